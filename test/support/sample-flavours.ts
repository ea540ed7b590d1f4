/**
 * The fixed-id sample flavours (`<domain>-k8slice-a001`, `-g001`, `-service-db01`) that tests seed
 * sellers with, so their expectations can name flavours; `npm start` itself gets K8Slices from its
 * agents instead. Kept in local/ while the benches import it from there.
 */
export { sampleFlavours } from '../../local/sample-flavours.ts'
