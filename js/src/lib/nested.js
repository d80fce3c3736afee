// Nested payloads (a table's media cells, a list of audio clips): a child is stored as its meta
// plus `buffer_prefix`/`buffer_names`, its buffers lifted into the parent's `buffers` under the
// prefix (filmstrip.media.base.nest). This rebuilds the child payload a renderer can mount.

/**
 * @param {object} meta child meta made by base.nest (has buffer_prefix and buffer_names)
 * @param {Record<string, any>} parentBuffers the parent payload's buffers
 * @returns {object} {type, v, ...meta, buffers: {name: data}}
 */
export function childPayload(meta, parentBuffers) {
  const { buffer_prefix: prefix = "", buffer_names: names = [], ...rest } = meta || {};
  const buffers = {};
  for (const name of names) {
    const data = parentBuffers ? parentBuffers[prefix + name] : undefined;
    if (data === undefined) {
      throw new Error(`nested ${rest.type || "media"} payload is missing buffer "${prefix + name}"`);
    }
    buffers[name] = data;
  }
  return { ...rest, buffers };
}
