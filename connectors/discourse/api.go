package discourse

import "time"

type apiCategory struct {
	ID             int    `json:"id"`
	Name           string `json:"name"`
	Slug           string `json:"slug"`
	ReadRestricted bool   `json:"read_restricted"`
	ParentID       int    `json:"parent_category_id"`
}

type apiCategories struct {
	CategoryList *struct {
		Categories []apiCategory `json:"categories"`
	} `json:"category_list"`
}

type apiTopic struct {
	ID         int       `json:"id"`
	Title      string    `json:"title"`
	Slug       string    `json:"slug"`
	CreatedAt  time.Time `json:"created_at"`
	BumpedAt   time.Time `json:"bumped_at"`
	CategoryID int       `json:"category_id"`
	PostsCount int       `json:"posts_count"`
	Archetype  string    `json:"archetype"`
}

type apiLatest struct {
	TopicList *struct {
		Topics        []apiTopic `json:"topics"`
		MoreTopicsURL string     `json:"more_topics_url"`
	} `json:"topic_list"`
}

type apiPost struct {
	ID         int       `json:"id"`
	Username   string    `json:"username"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Cooked     string    `json:"cooked"`
	PostNumber int       `json:"post_number"`
}

type apiTopicFull struct {
	apiTopic
	PostStream *struct {
		Posts  []apiPost `json:"posts"`
		Stream []int     `json:"stream"`
	} `json:"post_stream"`
}

type apiPosts struct {
	PostStream *struct {
		Posts []apiPost `json:"posts"`
	} `json:"post_stream"`
}
