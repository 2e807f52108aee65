/** A value the YAML writer takes: what JSON holds, objects keeping their key order. */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

/**
 * Block-style YAML for small, fixed documents such as MLmodel and conda.yaml (the subset PyYAML's safe_dump
 * writes). Strings stay plain only when no YAML 1.1 reader could take them for another type ("3.11" is a float,
 * "on" a boolean); the rest are written double-quoted, whose escapes are JSON's. Undefined object fields are left out.
 */
export function toYaml(value: YamlValue): string {
  return `${block(value, 0).join('\n')}\n`;
}

function block(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isList(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => {
      if (isScalar(item) || isEmpty(item)) return [`${pad}- ${scalar(item)}`];
      // A mapping or list inside a list starts on the dash's line, indented past it.
      const lines = block(item, indent + 2);
      return [`${pad}- ${lines[0].slice(indent + 2)}`, ...lines.slice(1)];
    });
  }
  if (isScalar(value)) return [`${pad}${scalar(value)}`];
  const entries = Object.entries(value).filter((e): e is [string, YamlValue] => e[1] !== undefined);
  if (entries.length === 0) return [`${pad}{}`];
  return entries.flatMap(([key, v]) => {
    const k = `${pad}${plainOrQuoted(key)}:`;
    if (isScalar(v) || isEmpty(v)) return [`${k} ${scalar(v)}`];
    // PyYAML puts a list's dashes at the key's own indentation; mappings nest two spaces deeper.
    return [k, ...block(v, isList(v) ? indent : indent + 2)];
  });
}

function isList(v: YamlValue): v is readonly YamlValue[] {
  return Array.isArray(v);
}

function isScalar(v: YamlValue): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

function isEmpty(v: YamlValue): boolean {
  return !isScalar(v) && (isList(v) ? v.length === 0 : Object.values(v).every((x) => x === undefined));
}

function scalar(v: YamlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    // YAML 1.1 floats need a dot and a signed exponent: 1e-7 would read back as a string.
    const [mantissa, exponent] = String(v).split('e');
    if (exponent === undefined) return mantissa;
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${/^[-+]/.test(exponent) ? exponent : `+${exponent}`}`;
  }
  if (typeof v === 'string') return plainOrQuoted(v);
  return isList(v) ? '[]' : '{}';
}

const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;

function plainOrQuoted(s: string): string {
  return /^[A-Za-z_/][A-Za-z0-9_./=<>+-]*$/.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}
