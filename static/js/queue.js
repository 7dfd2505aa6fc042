/* The queue page (staff/queues/queue.html). */
(function () {
  "use strict";
  // Leave unused filters out of the address (plain submit and htmx both build FormData).
  document.getElementById("queue-filters").addEventListener("formdata", function (event) {
    for (const [key, value] of Array.from(event.formData.entries())) {
      if (value === "" || (key === "overdue" && value === "unknown")) event.formData.delete(key);
    }
  });
})();
