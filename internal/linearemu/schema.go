package linearemu

// schemaSDL is the part of Linear's GraphQL schema the emulator serves:
// the queries, types and fields a reader of issues, projects, documents
// and teams uses, with Linear's names. A query naming anything else fails
// validation, as it would against a schema that lacks it.
const schemaSDL = `
scalar DateTime

enum PaginationOrderBy { createdAt updatedAt }

input DateComparator {
  eq: DateTime
  neq: DateTime
  gt: DateTime
  gte: DateTime
  lt: DateTime
  lte: DateTime
}

input StringComparator {
  eq: String
  in: [String!]
}

input TeamFilter { key: StringComparator }
input TeamCollectionFilter { some: TeamFilter }

input IssueFilter { updatedAt: DateComparator team: TeamFilter }
input ProjectFilter { updatedAt: DateComparator accessibleTeams: TeamCollectionFilter }
input DocumentFilter { updatedAt: DateComparator }

type Query {
  viewer: User!
  organization: Organization!
  teams(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean): TeamConnection!
  team(id: String!): Team!
  issues(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean, filter: IssueFilter): IssueConnection!
  issue(id: String!): Issue!
  projects(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean, filter: ProjectFilter): ProjectConnection!
  project(id: String!): Project!
  documents(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean, filter: DocumentFilter): DocumentConnection!
  document(id: String!): Document!
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Organization {
  id: ID!
  name: String!
  urlKey: String!
}

type User {
  id: ID!
  name: String!
  displayName: String!
  email: String!
  active: Boolean!
  guest: Boolean!
}

type UserConnection { nodes: [User!]! pageInfo: PageInfo! }

type Team {
  id: ID!
  key: String!
  name: String!
  private: Boolean!
  createdAt: DateTime!
  updatedAt: DateTime!
  members(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean): UserConnection!
}

type TeamConnection { nodes: [Team!]! pageInfo: PageInfo! }

type Project {
  id: ID!
  slugId: String!
  name: String!
  description: String!
  content: String
  state: String!
  url: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  archivedAt: DateTime
  lead: User
  creator: User
  teams(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean): TeamConnection!
}

type ProjectConnection { nodes: [Project!]! pageInfo: PageInfo! }

type WorkflowState {
  id: ID!
  name: String!
  type: String!
}

type IssueLabel {
  id: ID!
  name: String!
}

type IssueLabelConnection { nodes: [IssueLabel!]! pageInfo: PageInfo! }

type Comment {
  id: ID!
  body: String!
  url: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  user: User
}

type CommentConnection { nodes: [Comment!]! pageInfo: PageInfo! }

type Issue {
  id: ID!
  identifier: String!
  number: Float!
  title: String!
  description: String
  priority: Float!
  priorityLabel: String!
  url: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  archivedAt: DateTime
  creator: User
  assignee: User
  team: Team!
  project: Project
  state: WorkflowState!
  labels(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean): IssueLabelConnection!
  comments(first: Int, after: String, last: Int, before: String, orderBy: PaginationOrderBy, includeArchived: Boolean): CommentConnection!
}

type IssueConnection { nodes: [Issue!]! pageInfo: PageInfo! }

type Document {
  id: ID!
  slugId: String!
  title: String!
  content: String
  url: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  archivedAt: DateTime
  creator: User
  project: Project
}

type DocumentConnection { nodes: [Document!]! pageInfo: PageInfo! }
`
