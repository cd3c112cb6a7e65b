"""The status page: what tenants are told of components, incidents and maintenance."""
