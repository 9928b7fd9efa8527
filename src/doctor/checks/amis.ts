/** The site's AMIs are private: a public one lets anyone launch the site's code. */
import type {SiteNames} from '../../site/names'
import {defineCheck, fail, listOf, pass, plural, skip, type Verdict} from '../check'
import type {SiteFacts} from '../facts'

function checkAmisPrivate(facts: SiteFacts, names: SiteNames): Verdict {
  if (!facts.environment && facts.images.length === 0) return skip(`no environment ${names.environment} and no AMIs of the site yet`)
  const open = facts.images.filter((image) => image.Public)
  if (open.length === 0) {
    const live = facts.environmentImageId && facts.images.some((image) => image.ImageId === facts.environmentImageId) ? ', the live one included' : ''
    return facts.images.length === 0
      ? pass('no AMIs of the site yet; the environment runs the platform\'s own AMI')
      : pass(`${plural(facts.images.length, 'AMI')} of the site, all private${live}`)
  }

  return fail(
    `${listOf(open.map((image) => `${image.ImageId}${image.Name ? ` (${image.Name})` : ''}`))} ${open.length === 1 ? 'is' : 'are'} public: anyone can launch the site's code`,
    `aws ec2 modify-image-attribute --image-id ${open[0].ImageId} --launch-permission 'Remove=[{Group=all}]'`,
  )
}

export const amisPrivate = defineCheck({id: 'amis-private', title: 'AMIs private', needs: ['environment', 'images'], judge: checkAmisPrivate})
