// Placeholder of the bar pane: replaced by its own module.
export function startBar() {}
