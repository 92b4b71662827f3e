"""Pure text work of the import pipeline: no ORM, no Django settings."""
