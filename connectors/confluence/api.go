package confluence

import "time"

// The JSON shapes of the Confluence REST API (v1) the connector reads.

type apiLinks struct {
	Base     string `json:"base"`
	Context  string `json:"context"`
	Next     string `json:"next"`
	WebUI    string `json:"webui"`
	Download string `json:"download"`
}

type apiUser struct {
	Type        string `json:"type"`
	AccountID   string `json:"accountId"`
	Username    string `json:"username"`
	Email       string `json:"email"`
	PublicName  string `json:"publicName"`
	DisplayName string `json:"displayName"`
}

type apiGroup struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// apiList is a page of results. Results stay raw where one malformed
// element should cost one failure rather than the page.
type apiList[T any] struct {
	Results []T      `json:"results"`
	Start   int      `json:"start"`
	Limit   int      `json:"limit"`
	Size    int      `json:"size"`
	Links   apiLinks `json:"_links"`
}

type apiSpace struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description *struct {
		Plain struct {
			Value string `json:"value"`
		} `json:"plain"`
	} `json:"description"`
	Permissions []apiPermission `json:"permissions"`
	Links       apiLinks        `json:"_links"`
}

type apiPermission struct {
	Subjects *struct {
		User  *apiList[apiUser]  `json:"user"`
		Group *apiList[apiGroup] `json:"group"`
	} `json:"subjects"`
	Operation struct {
		Operation  string `json:"operation"`
		TargetType string `json:"targetType"`
	} `json:"operation"`
	AnonymousAccess bool `json:"anonymousAccess"`
}

type apiContent struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	Status  string    `json:"status"`
	Title   string    `json:"title"`
	Space   *apiSpace `json:"space"`
	History *struct {
		CreatedBy   *apiUser  `json:"createdBy"`
		CreatedDate time.Time `json:"createdDate"`
	} `json:"history"`
	Version *struct {
		By     *apiUser  `json:"by"`
		When   time.Time `json:"when"`
		Number int       `json:"number"`
	} `json:"version"`
	Ancestors []struct {
		ID    string   `json:"id"`
		Title string   `json:"title"`
		Links apiLinks `json:"_links"`
	} `json:"ancestors"`
	Body *struct {
		Storage struct {
			Value string `json:"value"`
		} `json:"storage"`
	} `json:"body"`
	Metadata *struct {
		Labels *apiList[struct {
			Name string `json:"name"`
		}] `json:"labels"`
		MediaType string `json:"mediaType"`
	} `json:"metadata"`
	Extensions *struct {
		MediaType string `json:"mediaType"`
		FileSize  int64  `json:"fileSize"`
	} `json:"extensions"`
	Restrictions *struct {
		Read *apiRestriction `json:"read"`
	} `json:"restrictions"`
	Links apiLinks `json:"_links"`
}

type apiRestriction struct {
	Restrictions struct {
		User  *apiList[apiUser]  `json:"user"`
		Group *apiList[apiGroup] `json:"group"`
	} `json:"restrictions"`
}
