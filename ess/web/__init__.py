"""What every app's pages share: one way to run a POST action from a page, to send a private
file, to export a CSV."""
