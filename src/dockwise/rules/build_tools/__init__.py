"""Rules about build tools and SDKs that reach the final image."""
