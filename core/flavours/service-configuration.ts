import { Ajv } from 'ajv'
import { ValidationError } from '../shared/errors.ts'
import type { ServiceConfiguration, ServiceFlavour } from './model.ts'

const ajv = new Ajv({ strict: false, allErrors: false })
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>()

function validatorFor(template: unknown) {
  if (typeof template !== 'object' || template === null) return undefined
  let validate = compiled.get(template)
  if (!validate) {
    try {
      validate = ajv.compile(template as object)
    } catch (cause) {
      throw new ValidationError('The flavour configurationTemplate is not a valid JSON Schema', { code: 'INVALID_TEMPLATE', cause })
    }
    compiled.set(template, validate)
  }
  return validate
}

/** Checks the JSON Schema a service flavour's template defines, when publishing it. */
export function assertValidTemplate(template: unknown): void {
  validatorFor(template)
}

/**
 * A service configuration must name one of the flavour's hosting policies and satisfy its
 * configurationTemplate; a missing configuration is validated as `{}`, as the Go node does.
 */
export function checkServiceConfiguration(flavour: ServiceFlavour, configuration: ServiceConfiguration): ServiceConfiguration {
  const policy = configuration.hostingPolicy
  if (policy && !flavour.spec.hostingPolicies.includes(policy)) {
    throw new ValidationError(`Hosting policy ${policy} is not offered; offered: ${flavour.spec.hostingPolicies.join(', ') || 'none'}`, {
      code: 'INVALID_CONFIGURATION',
    })
  }
  const validate = validatorFor(flavour.spec.configurationTemplate)
  if (validate && !validate(configuration.configurationData)) {
    const [first] = validate.errors ?? []
    const where = first?.instancePath || 'configurationData'
    throw new ValidationError(`A configuration is required that fits the flavour template: ${where} ${first?.message ?? 'is invalid'}`, {
      code: 'INVALID_CONFIGURATION',
      details: { errors: validate.errors ?? [] },
    })
  }
  return configuration
}
