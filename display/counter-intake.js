// Placeholder of the intake pane: replaced by its own module.
export function startIntake() {}
