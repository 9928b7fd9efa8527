/** The app profiles: `profileFor(app)` is the way in. */
import {type AppName} from '../config'

import {moodle} from './moodle'
import {type AppProfile} from './profile'
import {wordpress} from './wordpress'

export {renderNginxFallback, NGINX_FALLBACK_FILE} from './nginx'
export {type AppProfile, type AppStagingCheck, type AppStagingProfile, CODE_DIR, type FrontController, RELATIVE_UPLOADS_MOUNT, type UploadsLocation} from './profile'

const PROFILES: Readonly<Record<AppName, AppProfile>> = {moodle, wordpress}

/** Every profile, in a fixed order (the nginx file lists them in it). */
export const ALL_PROFILES: readonly AppProfile[] = [moodle, wordpress]

export function profileFor(app: AppName): AppProfile {
  return PROFILES[app]
}
