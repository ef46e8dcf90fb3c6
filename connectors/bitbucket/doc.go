// Package bitbucket reads the pull requests of Bitbucket Cloud workspaces
// and repositories, with their comments.
package bitbucket
