/**
 * Checkpoints that follow their trial between machines: a store behind one interface (a directory on the
 * server or a shared volume, or S3-compatible object storage with pre-signed URLs), the manifests that
 * say which archive is current, and the removals the study's course asks for.
 */
package dev.attune.checkpoint;
