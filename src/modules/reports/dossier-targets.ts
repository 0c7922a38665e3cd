/**
 * Targets for the share of planned dossiers built electronically, per level (the model rollout: 90 % at
 * province level — the province and its departments —, 80 % at district level, 30 % at commune level).
 * Configurable with DOSSIER_TARGETS="province=90,department=90,district=80,commune=30".
 */
export const DEFAULT_TARGETS: Record<string, number> = { province: 90, department: 90, district: 80, commune: 30 };

export function loadTargets(spec: string | undefined = process.env.DOSSIER_TARGETS): Record<string, number> {
  const out = { ...DEFAULT_TARGETS };
  for (const part of (spec ?? '').split(',')) {
    const m = /^\s*(province|department|district|commune|other)\s*=\s*(\d{1,3}(?:\.\d+)?)\s*$/.exec(part);
    if (m && Number(m[2]) <= 100) out[m[1]] = Number(m[2]);
  }
  return out;
}
