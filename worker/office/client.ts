/** The company's one office hub. */
export function office(env: Env) {
  return env.OFFICE.getByName('office');
}
