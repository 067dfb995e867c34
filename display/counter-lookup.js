// Placeholder of the lookup pane: replaced by its own module.
export function startLookup() {}
