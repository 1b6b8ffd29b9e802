package auth

// Caching reports whether the authenticator serves account tokens from its
// cache (its subscription to revocations is up).
func (a *Authenticator) Caching() bool { return a.cache != nil && a.cache.live.Load() }
