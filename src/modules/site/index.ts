/** The public site's public surface: its pages, and the instance settings others read. */

export { siteModule } from './module.js';
export { findSetting } from './repo.js';
export { findServedUrl, recordServedUrl } from './served-url.js';
