/** WordPress: one web root (the code root), every pretty URL through index.php. */
import {APP_PROFILES} from '../config'

import {type AppProfile, commonProfile} from './profile'

export const wordpress: AppProfile = {
  ...commonProfile('wordpress', APP_PROFILES.wordpress),
  frontController: {
    marker: 'wp-load.php',
    target: '/index.php',
    why: 'WordPress: pretty permalinks and /wp-json/ are routed by index.php',
  },
  webRoots: [''],
}
