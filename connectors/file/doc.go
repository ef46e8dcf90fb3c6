// Package file indexes folders on a local or mounted file system: a shared
// drive, an export of a wiki, a folder of reports.
//
// # Setting it up
//
// The connector needs no credentials: it reads with the permissions of the
// process that runs it, so run it as a user that may read the folders.
// Name each folder in Settings.Roots:
//
//	{
//	  "roots": [
//	    {"path": "/srv/share/handbook", "name": "handbook"},
//	    {"path": "/mnt/reports", "link_base": "https://files.example.com/reports/"}
//	  ],
//	  "include": ["**/*.md", "**/*.pdf", "**/*.docx"],
//	  "exclude": ["**/drafts/**", "**/.git"],
//	  "max_file_size": 33554432,
//	  "open_archives": true
//	}
//
// A root's name is the first part of its documents' ids, file://NAME/PATH
// (see below); it defaults to the folder's base name, and two roots must
// have different names. Give the name explicitly when the folder may move
// or be mounted elsewhere, so ids stay the same. link_base makes documents
// link to a web server that serves the folder instead of to file:// URLs.
//
// include and exclude are glob patterns matched against paths relative to
// the root, with "/" as separator: "*" matches within one folder name, "**"
// across folders ("**/*.pdf" is every PDF, "reports/**" everything under
// reports), and {a,b} and [abc] as usual. A folder that an exclude pattern
// matches is not entered. Unset exclude means DefaultExclude, which leaves
// out hidden files and folders (names starting with a dot: .git, .env,
// .ssh); set exclude to [] to index everything.
//
// # What becomes a document
//
// Every regular file that passes the patterns is admitted. Its format is
// told by its extension, or by its content (github.com/gabriel-vasile/mimetype)
// when the extension says nothing: plain text and source code in any
// encoding (UTF-8, UTF-16 with or without a byte-order mark, Latin-1 and
// Windows-1252, a charset named by an HTML meta tag or an e-mail header),
// Markdown (titled by its first heading), HTML (its visible text, titled
// by <title>), JSON (with comments and trailing commas too, as in
// tsconfig.json; an empty file is an empty text), CSV and TSV (table
// sections), PDF (a section per page, words told apart by where their
// glyphs stand), DOCX, PPTX (a section per slide), XLSX (a table section
// per sheet), e-mail messages (.eml), and archives, whose entries become
// documents of their own: zip, tar, and gzip streams (.gz, .tgz, .tar.gz;
// a tar inside is walked as one archive, any other content is one entry
// named after the file without .gz).
//
// Files that hold no text are skipped, not failed: those whose extension
// names a format that carries none (images, audio, video, executables and
// libraries, fonts, databases) without being read, unless an include
// pattern names them; and any other file whose content, sniffed, is not
// text (an executable without an extension, test data, a time-zone file).
// Each skip is reported with tributary.ReportSkip, so a run counts it in
// Progress.Skipped and says why at debug level.
//
// An admitted file that should have given text and could not — too large,
// unreadable, encrypted, malformed, a file named as text that holds binary
// — is reported as a *tributary.Failure carrying the document's id and an
// error matching one of ErrTooLarge, ErrEncrypted, ErrUndecodable,
// ErrUnsupported, or the operating system's error. Nothing admitted is
// passed over silently.
//
// When the run keeps raw bytes (tributary.Runner.Blobs, the command's
// --blobs folder), the pictures of DOCX, PPTX and PDF files become image
// sections whose BlobID holds their bytes, and each table of an XLSX, CSV
// or TSV file is also kept as one CSV its sections reference. With
// keep_originals on, every document's file (or archive entry) is kept as
// it is too, referenced by a last section of kind SectionFile that carries
// the file's name as its heading. A blob over the run's MaxBlobBytes is a
// skip, and the document goes without it; a failing blob store ends the
// run.
//
// A per-folder side file, MetadataFile, sets a document's id, link, title,
// owners, update time and tags; see MetadataFile for its format.
//
// # Ids, links and times
//
// Document ids are file://NAME/PATH, and file://NAME/PATH!/ENTRY for an
// entry of an archive at PATH (nested archives repeat "!/"). PATH is
// the path below the root in Unicode NFC, with % ! # ? and control
// characters percent-encoded, so ids are the same wherever the root is
// mounted and on every operating system. A document links to its file (or
// archive) as a file:// URL or under the root's link_base; PDF pages and
// slides link to "#page=N" and "#slide=N" within it.
//
// UpdatedAt is when the file last changed: the later of its modification
// time and its status-change time (ctime), which the system sets when the
// file is written, created, copied in, renamed, linked or its permissions
// change, and which no tool sets back; or its folder's side file's when
// that is later (so a changed tag re-indexes the file). Archive entries
// take their archive's. Poll selects documents by that time in the
// half-open window [start, end), so a file copied in with an old
// modification time (cp -p, tar x, rsync -t) is found by the next poll.
// Status-change times are read on Linux and the BSDs; elsewhere the
// modification time is the change time. A change of permissions over a
// whole tree (chmod -R) makes every file changed; so does restoring a tree
// from a backup, whose files then carry the restore's time. A folder moved
// into the tree within one file system keeps its files' times, and is
// found by a full run (--full), not by a poll. CreatedAt is what the document says
// of itself (a PDF's or Office file's creation date, an e-mail's Date), or
// zero.
//
// # Resuming and events
//
// The walk is deterministic: roots in order, then depth-first with each
// folder's names in byte order. A checkpoint is therefore a position, the
// root and path of the last file finished (see EncodeCheckpoint), not a
// list of what was seen, and LoadFromCheckpoint resumes right after it.
// Memory follows the depth of the tree and the widest folder, not the
// number of files.
//
// Folders are hierarchy nodes: documents name their folder's node id
// (file://NAME/PATH/, with a trailing slash) as ParentID, and the
// checkpoint stream and HandleEvent yield a folder's node, after its
// parents', before the first document in it. Where the host keeps the
// connector's tributary.Values (the runner does with a ValueStore, such as
// the command's state file), a folder's node that the sink took unchanged
// in an earlier run is not yielded again, so a rerun sends only what
// changed; a redelivery sends every node again.
//
// HandleEvent turns a file-system event (Event.Key = the path) into
// upserts and deletions, and Watch produces such events from fsnotify.
//
// # Fetching failed documents again
//
// Refetch (tributary.Refetcher) reads the files whose fetch failed in an
// earlier run again by id, with Load's own reading and extraction, after
// their folders' nodes; an archive entry's id reads its archive again for
// that entry. The id is mapped back to a path below its root (finding a
// name stored in another Unicode form from its folder's listing); an id
// of no configured root, with an empty, "." or ".." segment, not in the
// form Load writes, or leading out of the root through a symbolic link,
// fails with ErrForeignURL, and so does an id a side file set, which
// names no path: the next run reads that file. A file or entry that is
// gone, now excluded, or that Load would skip is a deletion; one that
// fails again is a Failure under its id.
//
// # Safety
//
// Files are opened through os.Root handles, so nothing is read outside a
// root. A symbolic link is followed only when its target lies inside its
// root; a link out of the root (ErrOutsideRoot) or a loop of links
// (ErrSymlinkLoop) is a Failure. Archives are checked against
// Settings.Archive before anything is expanded — entry count, expanded
// size of each entry and of the whole, compression ratio, nesting — and
// refused whole as a Failure (ErrArchiveBounds) when over a bound, so a zip
// bomb is never expanded (a gzip stream, which declares no sizes, is
// expanded once to measure it, stopping at its bounds); entries are bounded again while expanded, since
// headers can lie. Entry names that are absolute or climb out with ".."
// are refused (ErrUnsafeEntry). Encrypted entries are Failures.
package file
