// Package tributary pulls documents out of the systems where teams keep
// knowledge (wikis, trackers, chat, drives, code hosts, websites, file
// shares) and hands them to an indexing backend.
//
// # Connectors and capabilities
//
// Every connector is a [Connector]. What else it can do is a set of small
// optional interfaces: [LoadConnector], [PollConnector], [SlimConnector],
// [EventConnector] and [CheckpointConnector]. Callers never assert these
// themselves: the helpers [Load], [Poll], [LoadSlim], [Stream] and
// [HandleEvent] pick the best capability and fall back where that makes
// sense (loading through the checkpoint stream, slim ids from full
// documents), and yield [ErrNotSupported] where it does not.
//
// A [GroupSyncer] also lists the source's groups and their members, under
// the ids documents' [ExternalAccess] names; [Groups] lists them, and a
// listing counts as the whole set only when it ends without an error.
//
// Connectors are opened by source name from a [Registry] (usually the
// default one, through [New]) with their settings and credentials as two
// JSON objects, or directly through their package's New function. A host
// drives them with a [Runner] into a [Sink], keeping its state in a
// [Store]. [Runner.SyncAccess] is a permission sync: it hands a sink that
// is an [AccessSink] who may now see the documents whose access changed,
// without the documents.
//
// # The iterator contract
//
// Every iterator a connector returns (iter.Seq2 of a document, a slim
// document or an [Item], with an error) obeys these rules, which the
// conformance kit in package connectortest checks:
//
//   - No work happens before iteration starts: creating the iterator sends
//     no request and opens no file. Ranging twice does the work twice.
//   - A pair is never (nil, nil): each step yields a value or an error.
//   - An error that is a [*Failure] is non-terminal: one document or entity
//     could not be read and the stream goes on. Any other error is the last
//     value the iterator yields.
//   - When yield returns false the iterator returns at once, yielding
//     nothing more.
//   - The iterator honours its context: once ctx is done it yields an error
//     matching ctx.Err() (errors.Is) and stops.
//   - No goroutine started by the iterator outlives the range loop.
//   - A yielded document belongs to the caller: the connector never reads or
//     changes it again.
//   - Windows are half-open, [start, end), in UTC. A zero start means the
//     beginning of time and a zero end means no upper bound. Connectors
//     never widen a window on their own; the runner applies the lookback.
//
// # Checkpoints
//
// A [CheckpointConnector] yields [Item]s, among them Checkpoint items. A
// checkpoint covers everything yielded before it, and resuming from it
// re-yields nothing needed and loses nothing after it. Checkpoints are
// small, versioned JSON made with [EncodeCheckpoint] and read with
// [DecodeCheckpoint]; they hold a position, never a set that grows with the
// source. The runner stores a checkpoint only after the sink acknowledged
// every document before it, so delivery is at least once and duplicates
// after a crash are bounded by what came after the last stored checkpoint.
//
// # Errors
//
// Errors carry a kind ([ErrInvalidConfig], [ErrCredentialExpired],
// [ErrRateLimited], ...) matched with errors.Is, usually through [*Error].
// Secrets never appear in errors, logs or output; credentials hold them in
// [Secret] fields, which redact themselves.
package tributary
