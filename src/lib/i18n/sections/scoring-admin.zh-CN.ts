import type { scoringAdminEn } from './scoring-admin.en';

export const scoringAdminZhCN: Record<keyof typeof scoringAdminEn, string> = {};
