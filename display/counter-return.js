// Placeholder of the return pane: replaced by its own module.
export function startReturn() {}
