"""The customers' door: the public complaint pages (no sign-in). Views stay thin; every rule is in
complaints.services, the same services the staff pages and the API call."""
