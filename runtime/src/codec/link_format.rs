//! Link format (RFC 6690) with the LwM2M attributes. Placeholder.
