import type { Context as LambdaContext } from 'aws-lambda'
import type { Context } from 'hono'
import type { LogFields, Logger } from '../../core/shared/ports.ts'

/** What every log line of one Lambda invocation carries: AWS's request id and whether it paid the cold start. */
export interface InvocationFields extends LogFields {
  awsRequestId?: string
  coldStart: boolean
}

export type InvocationTracker = (context: Partial<Pick<LambdaContext, 'awsRequestId'>> | undefined) => InvocationFields

/** Tells one invocation from the next: only the first a process serves is its cold start. */
export function invocationTracker(): InvocationTracker {
  let cold = true
  return (context) => {
    const coldStart = cold
    cold = false
    return { ...(context?.awsRequestId ? { awsRequestId: context.awsRequestId } : {}), coldStart }
  }
}

/** This process's tracker: a Lambda container runs one entry point, so one tracker per module instance. */
export const invocation = invocationTracker()

/**
 * A Lambda handler that runs `run` with `deps.logger` bound to the invocation's fields, so the queue
 * worker's and the crons' log lines can be found by request id and cold starts counted.
 */
export function withInvocationLogger<D extends { logger: Logger }, E, R>(deps: D, run: (deps: D, event: E) => Promise<R>, track: InvocationTracker = invocation) {
  return (event: E, context?: Partial<LambdaContext>): Promise<R> => run({ ...deps, logger: deps.logger.child(track(context)) }, event)
}

/** The invocation fields of a request `hono/aws-lambda` hands to the app (its Lambda context sits in `c.env`). */
export const lambdaRequestFields =
  (track: InvocationTracker = invocation) =>
  (c: Context): InvocationFields =>
    track((c.env as { lambdaContext?: Partial<LambdaContext> } | undefined)?.lambdaContext)
