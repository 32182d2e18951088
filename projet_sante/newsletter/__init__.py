"""The quarterly information letter: drafting, sending in batches, the audience, double
opt-in subscriptions and one-click unsubscribes."""
