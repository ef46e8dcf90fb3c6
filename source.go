package tributary

// DocumentSource names the system a document came from. It is an open string
// type: the constants below cover every source the Onyx project knows, so that
// backends can share one vocabulary, and third-party connectors may register
// values of their own.
type DocumentSource string

// The sources known to Onyx, in its own spelling.
const (
	SourceIngestionAPI       DocumentSource = "ingestion_api"
	SourceSlack              DocumentSource = "slack"
	SourceWeb                DocumentSource = "web"
	SourceGoogleDrive        DocumentSource = "google_drive"
	SourceGmail              DocumentSource = "gmail"
	SourceGitHub             DocumentSource = "github"
	SourceGitBook            DocumentSource = "gitbook"
	SourceGitLab             DocumentSource = "gitlab"
	SourceGuru               DocumentSource = "guru"
	SourceBookStack          DocumentSource = "bookstack"
	SourceOutline            DocumentSource = "outline"
	SourceConfluence         DocumentSource = "confluence"
	SourceJira               DocumentSource = "jira"
	SourceSlab               DocumentSource = "slab"
	SourceProductboard       DocumentSource = "productboard"
	SourceFile               DocumentSource = "file"
	SourceCoda               DocumentSource = "coda"
	SourceCanvas             DocumentSource = "canvas"
	SourceNotion             DocumentSource = "notion"
	SourceZulip              DocumentSource = "zulip"
	SourceLinear             DocumentSource = "linear"
	SourceHubSpot            DocumentSource = "hubspot"
	SourceDocument360        DocumentSource = "document360"
	SourceGong               DocumentSource = "gong"
	SourceGoogleSites        DocumentSource = "google_sites"
	SourceZendesk            DocumentSource = "zendesk"
	SourceLoopio             DocumentSource = "loopio"
	SourceBox                DocumentSource = "box"
	SourceDropbox            DocumentSource = "dropbox"
	SourceSharePoint         DocumentSource = "sharepoint"
	SourceTeams              DocumentSource = "teams"
	SourceSalesforce         DocumentSource = "salesforce"
	SourceDiscourse          DocumentSource = "discourse"
	SourceAxero              DocumentSource = "axero"
	SourceClickUp            DocumentSource = "clickup"
	SourceMediaWiki          DocumentSource = "mediawiki"
	SourceWikipedia          DocumentSource = "wikipedia"
	SourceAsana              DocumentSource = "asana"
	SourceS3                 DocumentSource = "s3"
	SourceR2                 DocumentSource = "r2"
	SourceGoogleCloudStorage DocumentSource = "google_cloud_storage"
	SourceOCIStorage         DocumentSource = "oci_storage"
	SourceXenforo            DocumentSource = "xenforo"
	SourceNotApplicable      DocumentSource = "not_applicable"
	SourceDiscord            DocumentSource = "discord"
	SourceFreshdesk          DocumentSource = "freshdesk"
	SourceFireflies          DocumentSource = "fireflies"
	SourceEgnyte             DocumentSource = "egnyte"
	SourceAirtable           DocumentSource = "airtable"
	SourceHighspot           DocumentSource = "highspot"
	SourceDrupalWiki         DocumentSource = "drupal_wiki"
	SourceIMAP               DocumentSource = "imap"
	SourceBitbucket          DocumentSource = "bitbucket"
	SourceTestRail           DocumentSource = "testrail"
	SourceBraintrust         DocumentSource = "braintrust"
	SourceLumApps            DocumentSource = "lumapps"
	SourceMockConnector      DocumentSource = "mock_connector"
	SourceUserFile           DocumentSource = "user_file"
	SourceCraftFile          DocumentSource = "craft_file"
)

// KnownSources lists every predefined DocumentSource constant, in the order
// above. It does not include sources registered by third-party connectors; see
// Sources for what is registered.
func KnownSources() []DocumentSource {
	return []DocumentSource{
		SourceIngestionAPI, SourceSlack, SourceWeb, SourceGoogleDrive, SourceGmail,
		SourceGitHub, SourceGitBook, SourceGitLab, SourceGuru, SourceBookStack,
		SourceOutline, SourceConfluence, SourceJira, SourceSlab, SourceProductboard,
		SourceFile, SourceCoda, SourceCanvas, SourceNotion, SourceZulip,
		SourceLinear, SourceHubSpot, SourceDocument360, SourceGong, SourceGoogleSites,
		SourceZendesk, SourceLoopio, SourceBox, SourceDropbox, SourceSharePoint,
		SourceTeams, SourceSalesforce, SourceDiscourse, SourceAxero, SourceClickUp,
		SourceMediaWiki, SourceWikipedia, SourceAsana, SourceS3, SourceR2,
		SourceGoogleCloudStorage, SourceOCIStorage, SourceXenforo, SourceNotApplicable, SourceDiscord,
		SourceFreshdesk, SourceFireflies, SourceEgnyte, SourceAirtable, SourceHighspot,
		SourceDrupalWiki, SourceIMAP, SourceBitbucket, SourceTestRail, SourceBraintrust,
		SourceLumApps, SourceMockConnector, SourceUserFile, SourceCraftFile,
	}
}

// String returns the source's name.
func (s DocumentSource) String() string { return string(s) }
