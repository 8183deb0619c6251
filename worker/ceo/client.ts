/** The company's one CEO. */
export function ceo(env: Env) {
  return env.CEO.getByName('ceo');
}
