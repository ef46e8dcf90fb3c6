// Package all registers every connector in this module. A main package
// that wants them all imports it for its side effects:
//
//	import _ "github.com/tributary-dev/tributary/connectors/all"
//
// Each connector registers itself in its package's init; this package
// holds nothing but the imports.
package all

import (
	_ "github.com/tributary-dev/tributary/connectors/asana"
	_ "github.com/tributary-dev/tributary/connectors/bitbucket"
	_ "github.com/tributary-dev/tributary/connectors/blob"
	_ "github.com/tributary-dev/tributary/connectors/bookstack"
	_ "github.com/tributary-dev/tributary/connectors/box"
	_ "github.com/tributary-dev/tributary/connectors/clickup"
	_ "github.com/tributary-dev/tributary/connectors/confluence"
	_ "github.com/tributary-dev/tributary/connectors/discord"
	_ "github.com/tributary-dev/tributary/connectors/discourse"
	_ "github.com/tributary-dev/tributary/connectors/dropbox"
	_ "github.com/tributary-dev/tributary/connectors/file"
	_ "github.com/tributary-dev/tributary/connectors/github"
	_ "github.com/tributary-dev/tributary/connectors/gitlab"
	_ "github.com/tributary-dev/tributary/connectors/gmail"
	_ "github.com/tributary-dev/tributary/connectors/google_drive"
	_ "github.com/tributary-dev/tributary/connectors/hubspot"
	_ "github.com/tributary-dev/tributary/connectors/imap"
	_ "github.com/tributary-dev/tributary/connectors/jira"
	_ "github.com/tributary-dev/tributary/connectors/linear"
	_ "github.com/tributary-dev/tributary/connectors/mediawiki"
	_ "github.com/tributary-dev/tributary/connectors/mock"
	_ "github.com/tributary-dev/tributary/connectors/notion"
	_ "github.com/tributary-dev/tributary/connectors/outline"
	_ "github.com/tributary-dev/tributary/connectors/salesforce"
	_ "github.com/tributary-dev/tributary/connectors/sharepoint"
	_ "github.com/tributary-dev/tributary/connectors/slack"
	_ "github.com/tributary-dev/tributary/connectors/teams"
	_ "github.com/tributary-dev/tributary/connectors/web"
	_ "github.com/tributary-dev/tributary/connectors/zendesk"
	_ "github.com/tributary-dev/tributary/connectors/zulip"
)
