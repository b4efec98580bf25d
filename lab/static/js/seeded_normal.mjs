// Fresh noise z ~ N(0, I) for the stochastic samplers (DDPM, DDIM η > 0, DPM-Solver++ SDE) run in the browser:
// seeded, so the same seed gives the same pictures in any browser, but not torch's draws (the server's run of
// the same seed differs). Deterministic samplers need none: their x_T comes from the server, drawn by torch.

/** splitmix32: a 32-bit seed -> a stream of well-mixed 32-bit integers. */
export function splitmix32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** noise(i) -> Float32Array of `length` standard normal draws for step i (Box–Muller), the same for a given
 *  (seed, i) whatever order the steps ask in. */
export function seededNormal(seed, length) {
  return (i) => {
    const next = splitmix32((seed * 0x27d4eb2d + i * 0x165667b1) >>> 0);
    const z = new Float32Array(length);
    for (let k = 0; k < length; k += 2) {
      const u1 = (next() + 1) / 4294967297, u2 = next() / 4294967296; // u1 in (0, 1): log(u1) is finite
      const r = Math.sqrt(-2 * Math.log(u1));
      z[k] = r * Math.cos(2 * Math.PI * u2);
      if (k + 1 < length) z[k + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return z;
  };
}
