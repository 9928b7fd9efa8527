/**
 * The sandbox's EB option table refuses what EB refuses: an unknown namespace
 * and, since the table holds option names, an unknown option name in a known
 * namespace ("Invalid option specification … Unknown configuration setting.").
 */
import {EB_OPTIONS, isEbNamespace, isEbOption} from '../../../src/sandbox/services/eb-namespaces'
import {checkOptionSpecs} from '../../../src/sandbox/services/eb-model'

describe('sandbox EB option table', () => {
  it('knows the options hactl sets, in their namespaces', () => {
    expect(isEbOption('aws:autoscaling:asg', 'MinSize')).toBe(true)
    expect(isEbOption('aws:autoscaling:launchconfiguration', 'DisableDefaultEC2SecurityGroup')).toBe(true)
    expect(isEbOption('aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateType')).toBe(true)
    expect(isEbOption('aws:elasticbeanstalk:container:php:phpini', 'document_root')).toBe(true)
  })

  it('refuses a misspelt option name in a known namespace, and an option in the wrong namespace', () => {
    expect(isEbOption('aws:autoscaling:updatepolicy:rollingupdate', 'RollingUpdateTyp')).toBe(false)
    expect(isEbOption('aws:autoscaling:asg', 'ImageId')).toBe(false)
    expect(isEbOption('aws:autoscaling:asg', '')).toBe(false)
    expect(() => checkOptionSpecs([{Namespace: 'aws:autoscaling:asg', OptionName: 'MinSise'}])).toThrow(
      "Invalid option specification (Namespace: 'aws:autoscaling:asg', OptionName: 'MinSise'): Unknown configuration setting.",
    )
  })

  it('takes any name where the name is the user\'s, and named namespaces with their listed options', () => {
    expect(isEbOption('aws:elasticbeanstalk:application:environment', 'HACTL_SITE')).toBe(true)
    expect(isEbOption('aws:elasticbeanstalk:environment:proxy:staticfiles', '/images')).toBe(true)
    expect(isEbOption('aws:elbv2:listener:443', 'SSLCertificateArns')).toBe(true)
    expect(isEbOption('aws:elbv2:listener:443', 'HealthCheckPath')).toBe(false)
    expect(isEbOption('aws:elasticbeanstalk:environment:process:admin', 'HealthCheckPath')).toBe(true)
    expect(isEbNamespace('aws:elasticbeanstalk:nonsense')).toBe(false)
  })

  it('lists option names for every namespace it knows', () => {
    for (const [namespace, names] of Object.entries(EB_OPTIONS)) {
      expect([namespace, names.length > 0]).toEqual([namespace, true])
    }
  })
})
