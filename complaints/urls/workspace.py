"""Staff workspace routes: the home page, the queues, the inbox, the customer page and the
auditors' reveal report."""

from django.urls import path

from complaints.views import customers, notifications, privacy, queues

urlpatterns = [
    path("", queues.home, name="home"),
    path("queues/<slug:slug>/", queues.queue, name="queue"),
    path("queue-counts/", queues.queue_tab_counts, name="queue_tab_counts"),
    path("notifications/", notifications.inbox, name="notifications"),
    path(
        "notifications/read-all/",
        notifications.mark_all_read,
        name="notifications_mark_all_read",
    ),
    path(
        "notifications/<int:pk>/open/",
        notifications.open_notification,
        name="notification_open",
    ),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("audit/reveals/", privacy.contact_reveal_report, name="contact_reveals"),
]
