"""API views by subdomain; each calls the same services and selectors as the pages."""
