// The one error type of settings loading. The CLI prints `Error: <message>` and exits 1, as
// `kong start`/`kong check` do for conf_loader errors; the message always names the property.
export class SettingsError extends Error {
  /** The property at fault, when there is one (absent for unreadable files). */
  readonly property: string | undefined;

  constructor(message: string, property?: string) {
    super(message);
    this.name = 'SettingsError';
    this.property = property;
  }
}

/** `invalid value for '<property>': <problem>` — the shape every value error uses. */
export function invalidValue(property: string, problem: string): SettingsError {
  return new SettingsError(`invalid value for '${property}': ${problem}`, property);
}
