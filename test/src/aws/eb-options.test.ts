import {EB, settingOf} from '../../../src/aws/eb-options'
import {isEbNamespace} from '../../../src/env/eb-namespaces'

describe('EB option names', () => {
  it('each namespace is one EB accepts', () => {
    for (const {namespace} of Object.values(EB)) expect([namespace, isEbNamespace(namespace)]).toEqual([namespace, true])
  })

  it('each option constant spells its own name', () => {
    expect(EB.asg.MinSize).toBe('MinSize')
    expect(EB.launch.DisableIMDSv1).toBe('DisableIMDSv1')
    for (const group of Object.values(EB)) {
      for (const [key, value] of Object.entries(group)) if (key !== 'namespace') expect(value).toBe(key)
    }
  })
})

describe('settingOf', () => {
  it("reads the environment's own value, not a resource's", () => {
    const settings = [
      {Namespace: EB.asg.namespace, OptionName: EB.asg.MinSize, ResourceName: 'AWSEBAutoScalingGroup', Value: '9'},
      {Namespace: EB.asg.namespace, OptionName: EB.asg.MinSize, Value: '2'},
    ]
    expect(settingOf(settings, EB.asg.namespace, EB.asg.MinSize)).toBe('2')
    expect(settingOf(settings, EB.asg.namespace, EB.asg.MaxSize)).toBeUndefined()
  })
})
