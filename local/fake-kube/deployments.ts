import { controllerRef, live, ownerOf, record, refOf, same, strings } from './liqo-objects.ts'
import type { ControllerContext, Obj, SimulatedController } from './liqo-objects.ts'

const APPS = 'apps/v1'

const readyPod = (pod: Obj) =>
  pod.status?.['phase'] === 'Running' &&
  (Array.isArray(pod.status['conditions']) ? (pod.status['conditions'] as Array<Record<string, unknown>>) : []).some((c) => c['type'] === 'Ready' && c['status'] === 'True')

/**
 * A stand-in for the Deployment and ReplicaSet controllers, just enough for workloads placed on a virtual node to run:
 * pods `<deployment>-<index>` from the template (labels and spec), owned by the Deployment, and replica counts in its status.
 * No rollouts: a template change leaves existing pods alone.
 */
export const deploymentController = (context: ControllerContext): SimulatedController => {
  const { store, read, later } = context

  const ownedPods = (namespace: string, name: string, uid?: unknown) =>
    (store.list('v1', 'Pod', { namespace }) as Obj[]).filter((pod) => {
      const owner = ownerOf(pod, APPS, 'Deployment')
      return owner?.['name'] === name && (uid === undefined || owner['uid'] === uid)
    })

  const reconcile = (namespace: string, name: string) => {
    const deployment = read(APPS, 'Deployment', namespace, name)
    if (!deployment) return
    if (!live(deployment)) return void ownedPods(namespace, name).forEach((pod) => store.delete(refOf(pod)))
    const replicas = typeof deployment.spec?.['replicas'] === 'number' ? deployment.spec['replicas'] : 1
    const template = record(deployment.spec?.['template'])
    for (let index = 0; index < replicas; index++) {
      const podName = `${name}-${index}`
      if (read('v1', 'Pod', namespace, podName)) continue
      store.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName, namespace, labels: strings(record(template['metadata'])['labels']), ownerReferences: [controllerRef(deployment)] },
        spec: structuredClone(record(template['spec'])),
        status: { phase: 'Pending' },
      })
    }
    const wanted = new Set(Array.from({ length: replicas }, (_, index) => `${name}-${index}`))
    for (const pod of ownedPods(namespace, name)) if (!wanted.has(pod.metadata.name ?? '')) store.delete(refOf(pod))
    const pods = ownedPods(namespace, name).filter((pod) => live(pod))
    const ready = pods.filter(readyPod).length
    const status = { observedGeneration: deployment.metadata['generation'], replicas: pods.length, readyReplicas: ready, availableReplicas: ready }
    const current = read(APPS, 'Deployment', namespace, name)
    if (!current || Object.entries(status).every(([key, value]) => same(current.status?.[key], value))) return
    store.patchStatus(refOf(current), status)
  }

  const react = (object: Obj, deleted: boolean) => {
    const namespace = object.metadata.namespace ?? ''
    if (object.apiVersion === APPS && object.kind === 'Deployment') {
      const name = object.metadata.name ?? ''
      if (deleted) ownedPods(namespace, name, object.metadata['uid']).forEach((pod) => store.delete(refOf(pod)))
      else later(`Deployment/${namespace}/${name}`, () => reconcile(namespace, name))
    } else if (object.apiVersion === 'v1' && object.kind === 'Pod') {
      const owner = ownerOf(object, APPS, 'Deployment')
      if (typeof owner?.['name'] === 'string') {
        const name = owner['name']
        later(`Deployment/${namespace}/${name}`, () => reconcile(namespace, name))
      }
    }
  }

  return { react, resync: () => store.list(APPS, 'Deployment').forEach((o) => react(o, false)) }
}
