import type { Ajv, ValidateFunction } from 'ajv'
import { ValidationError } from '../shared/errors.ts'
import type { ServiceConfiguration, ServiceFlavour } from './model.ts'

let ajv: Promise<Ajv> | undefined
const compiled = new WeakMap<object, ValidateFunction>()

/** Loaded on first use: only service flavours need JSON Schema, so K8Slice paths never pay for it. */
const loadAjv = () => (ajv ??= import('ajv').then(({ Ajv }) => new Ajv({ strict: false, allErrors: false })))

async function validatorFor(template: unknown): Promise<ValidateFunction | undefined> {
  if (typeof template !== 'object' || template === null) return undefined
  let validate = compiled.get(template)
  if (!validate) {
    const compiler = await loadAjv()
    try {
      validate = compiler.compile(template as object)
    } catch (cause) {
      throw new ValidationError('The flavour configurationTemplate is not a valid JSON Schema', { code: 'INVALID_TEMPLATE', cause })
    }
    compiled.set(template, validate)
  }
  return validate
}

/** Checks the JSON Schema a service flavour's template defines, when publishing it. */
export async function assertValidTemplate(template: unknown): Promise<void> {
  await validatorFor(template)
}

/**
 * A service configuration must name one of the flavour's hosting policies and satisfy its
 * configurationTemplate; a missing configuration is validated as `{}`, as the Go node does.
 */
export async function checkServiceConfiguration(flavour: ServiceFlavour, configuration: ServiceConfiguration): Promise<ServiceConfiguration> {
  const policy = configuration.hostingPolicy
  if (policy && !flavour.spec.hostingPolicies.includes(policy)) {
    throw new ValidationError(`Hosting policy ${policy} is not offered; offered: ${flavour.spec.hostingPolicies.join(', ') || 'none'}`, {
      code: 'INVALID_CONFIGURATION',
    })
  }
  const validate = await validatorFor(flavour.spec.configurationTemplate)
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
