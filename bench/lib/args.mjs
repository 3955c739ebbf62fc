// --name value / --name=value flags with numeric defaults.
export function numberFlags(defaults, argv = process.argv.slice(2)) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unknown argument ${argv[i]}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults))
      throw new Error(
        `unknown flag --${m[1]} (known: ${Object.keys(defaults)
          .map((k) => '--' + k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()))
          .join(', ')})`,
      );
    if (typeof defaults[key] === 'boolean') {
      out[key] = m[2] === undefined ? true : m[2] !== 'false';
      continue;
    }
    const value = m[2] ?? argv[++i];
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < 0) throw new Error(`--${m[1]} needs a number`);
    out[key] = n;
  }
  return out;
}
