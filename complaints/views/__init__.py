"""Staff pages: thin views over the services and selectors; one module per page family."""
