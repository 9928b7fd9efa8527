/**
 * Moodle: from 5.1 the web root is `public/` under the code root and paths
 * that are no file go to the router, `r.php`. Older versions serve the code
 * root and route through PATH_INFO (slash arguments), which EB's php.conf
 * already passes; they have no `r.php`, so the fallback leaves them alone.
 */
import {APP_PROFILES} from '../config'

import {type AppProfile, commonProfile} from './profile'

export const moodle: AppProfile = {
  ...commonProfile('moodle', APP_PROFILES.moodle),
  frontController: {
    marker: 'r.php',
    target: '/r.php',
    why: 'Moodle >= 5.1: its router, r.php (older Moodle has none and keeps the 404)',
  },
  webRoots: ['public', ''],
}
