"""Every write of Newsdesk: one module per area, one transaction per operation."""
