import type { Config } from '../config.js';
import type { SessionSettings } from './session-service.js';

export const sessionSettings = (config: Config): SessionSettings => ({
  absoluteHours: config.SESSION_ABSOLUTE_HOURS,
  idleMinutes: config.SESSION_IDLE_MINUTES,
  limit: config.SESSION_LIMIT,
});

export const SESSION_COOKIE = 'sb_session';
export const PRESESSION_COOKIE = 'sb_pre';
