package events

// Where a CloudTrail record of each operation carries the user pool id and
// the app client id, so that a rule selecting pools or clients tests only
// those places (internal/config). The API calls carry them in their
// request, under the request's own member names; the two tables below are
// the operations whose request (the SDK's <Operation>Input) has a
// UserPoolId or a ClientId member, checked against the pinned
// aws-sdk-go-v2 cognitoidentityprovider by TestIDPlacesMatchSDK.
// CreateUserPoolClient first reveals its client id in the response, and
// UpdateUserPoolClient repeats it there. Hosted-UI and managed-login events
// carry the pool in additionalEventData.userPoolId and the client in
// additionalEventData.clientId or, as an array,
// additionalEventData.requestParameters.client_id.

// Place is the path of a field under the record (the event's detail).
type Place []string

// The places the catalogue knows.
var (
	PlaceRequestPoolID     = Place{"requestParameters", "userPoolId"}
	PlaceRequestClientID   = Place{"requestParameters", "clientId"}
	PlaceResponseClientID  = Place{"responseElements", "userPoolClient", "clientId"}
	PlaceAdditionalPoolID  = Place{"additionalEventData", "userPoolId"}
	PlaceAdditionalClient  = Place{"additionalEventData", "clientId"}
	PlaceAdditionalClients = Place{"additionalEventData", "requestParameters", "client_id"}
)

// requestPoolID lists the API operations whose request has a UserPoolId.
var requestPoolID = map[string]bool{
	"AddCustomAttributes": true, "AddUserPoolClientSecret": true, "AdminAddUserToGroup": true,
	"AdminConfirmSignUp": true, "AdminCreateUser": true, "AdminDeleteSoftwareToken": true,
	"AdminDeleteUser": true, "AdminDeleteUserAttributes": true, "AdminDisableProviderForUser": true,
	"AdminDisableUser": true, "AdminEnableUser": true, "AdminForgetDevice": true,
	"AdminGetDevice": true, "AdminGetUser": true, "AdminGetUserAuthFactors": true,
	"AdminInitiateAuth": true, "AdminLinkProviderForUser": true, "AdminListDevices": true,
	"AdminListGroupsForUser": true, "AdminListUserAuthEvents": true, "AdminRemoveUserFromGroup": true,
	"AdminResetUserPassword": true, "AdminRespondToAuthChallenge": true,
	"AdminSetUserMFAPreference": true, "AdminSetUserPassword": true, "AdminSetUserSettings": true,
	"AdminUpdateAuthEventFeedback": true, "AdminUpdateDeviceStatus": true,
	"AdminUpdateUserAttributes": true, "AdminUserGlobalSignOut": true, "CreateGroup": true,
	"CreateIdentityProvider": true, "CreateManagedLoginBranding": true, "CreateResourceServer": true,
	"CreateTerms": true, "CreateUserImportJob": true, "CreateUserPoolClient": true,
	"CreateUserPoolDomain": true, "CreateUserPoolReplica": true, "DeleteGroup": true,
	"DeleteIdentityProvider": true, "DeleteManagedLoginBranding": true, "DeleteResourceServer": true,
	"DeleteTerms": true, "DeleteUserPool": true, "DeleteUserPoolClient": true,
	"DeleteUserPoolClientSecret": true, "DeleteUserPoolDomain": true, "DeleteUserPoolReplica": true,
	"DescribeIdentityProvider": true, "DescribeManagedLoginBranding": true,
	"DescribeManagedLoginBrandingByClient": true, "DescribeResourceServer": true,
	"DescribeRiskConfiguration": true, "DescribeTerms": true, "DescribeTermsByClient": true,
	"DescribeUserImportJob": true, "DescribeUserPool": true, "DescribeUserPoolClient": true,
	"GetCSVHeader": true, "GetGroup": true, "GetIdentityProviderByIdentifier": true,
	"GetLogDeliveryConfiguration": true, "GetSigningCertificate": true, "GetUICustomization": true,
	"GetUserPoolMfaConfig": true, "ListGroups": true, "ListIdentityProviders": true,
	"ListResourceServers": true, "ListTerms": true, "ListUserImportJobs": true,
	"ListUserPoolClientSecrets": true, "ListUserPoolClients": true, "ListUserPoolReplicas": true,
	"ListUsers": true, "ListUsersInGroup": true, "SetLogDeliveryConfiguration": true,
	"SetRiskConfiguration": true, "SetUICustomization": true, "SetUserPoolMfaConfig": true,
	"StartUserImportJob": true, "StopUserImportJob": true, "UpdateAuthEventFeedback": true,
	"UpdateGroup": true, "UpdateIdentityProvider": true, "UpdateManagedLoginBranding": true,
	"UpdateResourceServer": true, "UpdateTerms": true, "UpdateUserPool": true,
	"UpdateUserPoolClient": true, "UpdateUserPoolDomain": true, "UpdateUserPoolReplica": true,
}

// requestClientID lists the API operations whose request has a ClientId.
var requestClientID = map[string]bool{
	"AddUserPoolClientSecret": true, "AdminInitiateAuth": true, "AdminRespondToAuthChallenge": true,
	"ConfirmForgotPassword": true, "ConfirmSignUp": true, "CreateManagedLoginBranding": true,
	"CreateTerms": true, "DeleteUserPoolClient": true, "DeleteUserPoolClientSecret": true,
	"DescribeManagedLoginBrandingByClient": true, "DescribeRiskConfiguration": true,
	"DescribeTermsByClient": true, "DescribeUserPoolClient": true, "ForgotPassword": true,
	"GetClientToken": true, "GetTokensFromRefreshToken": true, "GetUICustomization": true,
	"InitiateAuth": true, "ListUserPoolClientSecrets": true, "ResendConfirmationCode": true,
	"RespondToAuthChallenge": true, "RevokeToken": true, "SetRiskConfiguration": true,
	"SetUICustomization": true, "SignUp": true, "UpdateUserPoolClient": true,
}

// PoolIDPlaces returns where the operation's records carry the user pool
// id; none for calls that name only a client (InitiateAuth, SignUp) or
// act on the caller's own token (GetUser).
func (o Operation) PoolIDPlaces() []Place {
	switch {
	case o.HostedUI:
		return []Place{PlaceAdditionalPoolID}
	case requestPoolID[o.Name]:
		return []Place{PlaceRequestPoolID}
	}
	return nil
}

// ClientIDPlaces returns where the operation's records carry the app
// client id; none for calls on no client.
func (o Operation) ClientIDPlaces() []Place {
	switch {
	case o.HostedUI:
		return []Place{PlaceAdditionalClient, PlaceAdditionalClients}
	case o.Name == "CreateUserPoolClient":
		return []Place{PlaceResponseClientID}
	case o.Name == "UpdateUserPoolClient":
		return []Place{PlaceRequestClientID, PlaceResponseClientID}
	case requestClientID[o.Name]:
		return []Place{PlaceRequestClientID}
	}
	return nil
}
