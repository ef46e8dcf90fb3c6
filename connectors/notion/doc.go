// Package notion reads the pages and database rows of a Notion workspace
// that were shared with an integration.
package notion
