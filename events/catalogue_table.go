package events

// catalogue is the single source of truth for which Cognito user-pool
// operations exist. Keep it sorted by Category (in the order of
// Categories()), then Name; one operation per line.
//
// Sources of the list:
//
//   - API actions: every operation of the Amazon Cognito user pools API
//     (cognito-idp, API version 2016-04-18) as the "Actions" page of the
//     Amazon Cognito user pools API Reference lists them, cross-checked
//     against the operations of the aws-sdk-go-v2 service/cognitoidentityprovider
//     package pinned in go.mod (v1.74.1: 132 operations, including the user
//     pool replica, provisioned limit and GetClientToken operations). The test
//     TestCatalogueMatchesSDK fails when the pinned SDK gains or loses one.
//   - Hosted-UI (classic) and managed-login endpoint events: the tables "Hosted
//     UI (classic) events" and "Managed login events" of the Amazon Cognito
//     Developer Guide page "Amazon Cognito logging in AWS CloudTrail", and the
//     examples on its page "Example Amazon Cognito events". CloudTrail records
//     them with eventType AwsServiceEvent and spells them exactly as below,
//     including the lower-case managed-login names (login_POST, signup_POST,
//     ...), which differ from the classic names (Signup_POST) only by case.
//
// How fields are chosen (docs/operations.md says the same to users):
//
//   - Resource is the kind named by the request: a group-membership call
//     names a group, a call on the signed-in user names the user, a per-client
//     UI customization names the client. Risk configuration, MFA, tags, log
//     delivery, replicas and provisioned limits are pool level: userpool.
//   - ReadOnly is true for the API's Describe*, List* and Get* calls that only
//     read (three Get* calls issue tokens or send a code and are not
//     read-only), and for hosted-UI page loads (*_GET) and UserInfo, except
//     the GETs that confirm a user, record feedback or complete a federated
//     sign-in.
//   - Category auth holds sign-up, sign-in, tokens, sessions, MFA and passkeys,
//     and every self-service call a user makes with an access token or an app
//     client id (no IAM), for example GetUser and UpdateUserAttributes; plus the
//     admin calls that drive sign-in, sessions and MFA on a user's behalf.
//     Category users holds the IAM-authorised management of user records:
//     ListUsers and the other Admin* user calls. Group membership calls are in
//     groups; device calls, self-service or admin, in devices.
var catalogue = []Operation{
	// app-clients
	{Name: "AddUserPoolClientSecret", Resource: KindClient, Category: CategoryAppClients},
	{Name: "CreateUserPoolClient", Resource: KindClient, Category: CategoryAppClients},
	{Name: "DeleteUserPoolClient", Resource: KindClient, Category: CategoryAppClients},
	{Name: "DeleteUserPoolClientSecret", Resource: KindClient, Category: CategoryAppClients},
	{Name: "DescribeUserPoolClient", Resource: KindClient, ReadOnly: true, Category: CategoryAppClients},
	{Name: "ListUserPoolClientSecrets", Resource: KindClient, ReadOnly: true, Category: CategoryAppClients},
	{Name: "ListUserPoolClients", Resource: KindClient, ReadOnly: true, Category: CategoryAppClients},
	{Name: "UpdateUserPoolClient", Resource: KindClient, Category: CategoryAppClients},

	// users: IAM-authorised management of user records.
	{Name: "AdminConfirmSignUp", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminCreateUser", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminDeleteUser", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminDeleteUserAttributes", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminDisableProviderForUser", Resource: KindUser, Category: CategoryUsers}, // unlinks a federated user: changes the user, not the IdP
	{Name: "AdminDisableUser", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminEnableUser", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminGetUser", Resource: KindUser, ReadOnly: true, Category: CategoryUsers},
	{Name: "AdminLinkProviderForUser", Resource: KindUser, Category: CategoryUsers}, // links a federated identity to a user: changes the user
	{Name: "AdminListUserAuthEvents", Resource: KindUser, ReadOnly: true, Category: CategoryUsers},
	{Name: "AdminResetUserPassword", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminSetUserPassword", Resource: KindUser, Category: CategoryUsers},
	{Name: "AdminUpdateAuthEventFeedback", Resource: KindUser, Category: CategoryUsers}, // admin review of a user's sign-in history, beside AdminListUserAuthEvents
	{Name: "AdminUpdateUserAttributes", Resource: KindUser, Category: CategoryUsers},
	{Name: "ListUsers", Resource: KindUser, ReadOnly: true, Category: CategoryUsers},

	// groups, including membership.
	{Name: "AdminAddUserToGroup", Resource: KindGroup, Category: CategoryGroups},
	{Name: "AdminListGroupsForUser", Resource: KindUser, ReadOnly: true, Category: CategoryGroups}, // the request names only a user
	{Name: "AdminRemoveUserFromGroup", Resource: KindGroup, Category: CategoryGroups},
	{Name: "CreateGroup", Resource: KindGroup, Category: CategoryGroups},
	{Name: "DeleteGroup", Resource: KindGroup, Category: CategoryGroups},
	{Name: "GetGroup", Resource: KindGroup, ReadOnly: true, Category: CategoryGroups},
	{Name: "ListGroups", Resource: KindGroup, ReadOnly: true, Category: CategoryGroups},
	{Name: "ListUsersInGroup", Resource: KindGroup, ReadOnly: true, Category: CategoryGroups},
	{Name: "UpdateGroup", Resource: KindGroup, Category: CategoryGroups},

	// pool-config: the user pool itself and its pool-level settings.
	{Name: "AddCustomAttributes", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "CreateUserPool", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "CreateUserPoolReplica", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "DeleteUserPool", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "DeleteUserPoolReplica", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "DescribeRiskConfiguration", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig}, // pool-wide or per client; always pool-level here
	{Name: "DescribeUserPool", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "GetLogDeliveryConfiguration", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "GetProvisionedLimit", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig}, // an API-category rate quota; no closer kind
	{Name: "GetSigningCertificate", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "GetUserPoolMfaConfig", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "ListTagsForResource", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "ListUserPoolReplicas", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "ListUserPools", Resource: KindUserPool, ReadOnly: true, Category: CategoryPoolConfig},
	{Name: "SetLogDeliveryConfiguration", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "SetRiskConfiguration", Resource: KindUserPool, Category: CategoryPoolConfig}, // pool-wide or per client; always pool-level here
	{Name: "SetUserPoolMfaConfig", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "TagResource", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "UntagResource", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "UpdateProvisionedLimit", Resource: KindUserPool, Category: CategoryPoolConfig}, // an API-category rate quota; no closer kind
	{Name: "UpdateUserPool", Resource: KindUserPool, Category: CategoryPoolConfig},
	{Name: "UpdateUserPoolReplica", Resource: KindUserPool, Category: CategoryPoolConfig},

	// identity-providers
	{Name: "CreateIdentityProvider", Resource: KindIdentityProvider, Category: CategoryIdentityProviders},
	{Name: "DeleteIdentityProvider", Resource: KindIdentityProvider, Category: CategoryIdentityProviders},
	{Name: "DescribeIdentityProvider", Resource: KindIdentityProvider, ReadOnly: true, Category: CategoryIdentityProviders},
	{Name: "GetIdentityProviderByIdentifier", Resource: KindIdentityProvider, ReadOnly: true, Category: CategoryIdentityProviders},
	{Name: "ListIdentityProviders", Resource: KindIdentityProvider, ReadOnly: true, Category: CategoryIdentityProviders},
	{Name: "UpdateIdentityProvider", Resource: KindIdentityProvider, Category: CategoryIdentityProviders},

	// resource-servers
	{Name: "CreateResourceServer", Resource: KindResourceServer, Category: CategoryResourceServers},
	{Name: "DeleteResourceServer", Resource: KindResourceServer, Category: CategoryResourceServers},
	{Name: "DescribeResourceServer", Resource: KindResourceServer, ReadOnly: true, Category: CategoryResourceServers},
	{Name: "ListResourceServers", Resource: KindResourceServer, ReadOnly: true, Category: CategoryResourceServers},
	{Name: "UpdateResourceServer", Resource: KindResourceServer, Category: CategoryResourceServers},

	// domains
	{Name: "CreateUserPoolDomain", Resource: KindDomain, Category: CategoryDomains},
	{Name: "DeleteUserPoolDomain", Resource: KindDomain, Category: CategoryDomains},
	{Name: "DescribeUserPoolDomain", Resource: KindDomain, ReadOnly: true, Category: CategoryDomains},
	{Name: "UpdateUserPoolDomain", Resource: KindDomain, Category: CategoryDomains},

	// import-jobs
	{Name: "CreateUserImportJob", Resource: KindImportJob, Category: CategoryImportJobs},
	{Name: "DescribeUserImportJob", Resource: KindImportJob, ReadOnly: true, Category: CategoryImportJobs},
	{Name: "GetCSVHeader", Resource: KindImportJob, ReadOnly: true, Category: CategoryImportJobs},
	{Name: "ListUserImportJobs", Resource: KindImportJob, ReadOnly: true, Category: CategoryImportJobs},
	{Name: "StartUserImportJob", Resource: KindImportJob, Category: CategoryImportJobs},
	{Name: "StopUserImportJob", Resource: KindImportJob, Category: CategoryImportJobs},

	// devices: remembered devices, self-service and admin.
	{Name: "AdminForgetDevice", Resource: KindDevice, Category: CategoryDevices},
	{Name: "AdminGetDevice", Resource: KindDevice, ReadOnly: true, Category: CategoryDevices},
	{Name: "AdminListDevices", Resource: KindDevice, ReadOnly: true, Category: CategoryDevices},
	{Name: "AdminUpdateDeviceStatus", Resource: KindDevice, Category: CategoryDevices},
	{Name: "ConfirmDevice", Resource: KindDevice, Category: CategoryDevices},
	{Name: "ForgetDevice", Resource: KindDevice, Category: CategoryDevices},
	{Name: "GetDevice", Resource: KindDevice, ReadOnly: true, Category: CategoryDevices},
	{Name: "ListDevices", Resource: KindDevice, ReadOnly: true, Category: CategoryDevices},
	{Name: "UpdateDeviceStatus", Resource: KindDevice, Category: CategoryDevices},

	// branding: managed login branding, classic UI customization, terms.
	{Name: "CreateManagedLoginBranding", Resource: KindManagedLoginBranding, Category: CategoryBranding},
	{Name: "CreateTerms", Resource: KindTerms, Category: CategoryBranding},
	{Name: "DeleteManagedLoginBranding", Resource: KindManagedLoginBranding, Category: CategoryBranding},
	{Name: "DeleteTerms", Resource: KindTerms, Category: CategoryBranding},
	{Name: "DescribeManagedLoginBranding", Resource: KindManagedLoginBranding, ReadOnly: true, Category: CategoryBranding},
	{Name: "DescribeManagedLoginBrandingByClient", Resource: KindManagedLoginBranding, ReadOnly: true, Category: CategoryBranding},
	{Name: "DescribeTerms", Resource: KindTerms, ReadOnly: true, Category: CategoryBranding},
	{Name: "DescribeTermsByClient", Resource: KindTerms, ReadOnly: true, Category: CategoryBranding},
	{Name: "GetUICustomization", Resource: KindClient, ReadOnly: true, Category: CategoryBranding}, // per client (ClientId ALL for the pool default)
	{Name: "ListTerms", Resource: KindTerms, ReadOnly: true, Category: CategoryBranding},
	{Name: "SetUICustomization", Resource: KindClient, Category: CategoryBranding}, // per client (ClientId ALL for the pool default)
	{Name: "UpdateManagedLoginBranding", Resource: KindManagedLoginBranding, Category: CategoryBranding},
	{Name: "UpdateTerms", Resource: KindTerms, Category: CategoryBranding},

	// auth: sign-up, sign-in, tokens, sessions, MFA, passkeys, and the
	// self-service calls a user makes with an access token or app client id.
	{Name: "AdminDeleteSoftwareToken", Resource: KindUser, Category: CategoryAuth}, // removes a user's TOTP MFA factor
	{Name: "AdminGetUserAuthFactors", Resource: KindUser, ReadOnly: true, Category: CategoryAuth},
	{Name: "AdminInitiateAuth", Resource: KindUser, Category: CategoryAuth},
	{Name: "AdminRespondToAuthChallenge", Resource: KindUser, Category: CategoryAuth},
	{Name: "AdminSetUserMFAPreference", Resource: KindUser, Category: CategoryAuth},
	{Name: "AdminSetUserSettings", Resource: KindUser, Category: CategoryAuth},   // legacy SMS MFA settings
	{Name: "AdminUserGlobalSignOut", Resource: KindUser, Category: CategoryAuth}, // ends a user's sessions: auth, like GlobalSignOut
	{Name: "AssociateSoftwareToken", Resource: KindUser, Category: CategoryAuth},
	{Name: "ChangePassword", Resource: KindUser, Category: CategoryAuth},
	{Name: "CompleteWebAuthnRegistration", Resource: KindWebAuthnCredential, Category: CategoryAuth},
	{Name: "ConfirmForgotPassword", Resource: KindUser, Category: CategoryAuth},
	{Name: "ConfirmSignUp", Resource: KindUser, Category: CategoryAuth},
	{Name: "DeleteUser", Resource: KindUser, Category: CategoryAuth}, // self-service: the signed-in user deletes their own profile
	{Name: "DeleteUserAttributes", Resource: KindUser, Category: CategoryAuth},
	{Name: "DeleteWebAuthnCredential", Resource: KindWebAuthnCredential, Category: CategoryAuth},
	{Name: "ForgotPassword", Resource: KindUser, Category: CategoryAuth},
	{Name: "GetClientToken", Resource: KindClient, Category: CategoryAuth},          // not read-only: issues an M2M access token to the app client
	{Name: "GetTokensFromRefreshToken", Resource: KindUser, Category: CategoryAuth}, // not read-only: issues tokens, may rotate the refresh token
	{Name: "GetUser", Resource: KindUser, ReadOnly: true, Category: CategoryAuth},
	{Name: "GetUserAttributeVerificationCode", Resource: KindUser, Category: CategoryAuth}, // not read-only: sends a code to the user
	{Name: "GetUserAuthFactors", Resource: KindUser, ReadOnly: true, Category: CategoryAuth},
	{Name: "GlobalSignOut", Resource: KindUser, Category: CategoryAuth},
	{Name: "InitiateAuth", Resource: KindUser, Category: CategoryAuth},
	{Name: "ListWebAuthnCredentials", Resource: KindWebAuthnCredential, ReadOnly: true, Category: CategoryAuth},
	{Name: "ResendConfirmationCode", Resource: KindUser, Category: CategoryAuth},
	{Name: "RespondToAuthChallenge", Resource: KindUser, Category: CategoryAuth},
	{Name: "RevokeToken", Resource: KindUser, Category: CategoryAuth},
	{Name: "SetUserMFAPreference", Resource: KindUser, Category: CategoryAuth},
	{Name: "SetUserSettings", Resource: KindUser, Category: CategoryAuth}, // legacy SMS MFA settings
	{Name: "SignUp", Resource: KindUser, Category: CategoryAuth},
	{Name: "StartWebAuthnRegistration", Resource: KindWebAuthnCredential, Category: CategoryAuth},
	{Name: "UpdateAuthEventFeedback", Resource: KindUser, Category: CategoryAuth}, // the user's own feedback, from the link in a notification
	{Name: "UpdateUserAttributes", Resource: KindUser, Category: CategoryAuth},
	{Name: "VerifySoftwareToken", Resource: KindUser, Category: CategoryAuth},
	{Name: "VerifyUserAttribute", Resource: KindUser, Category: CategoryAuth},

	// hosted-ui: classic hosted UI and managed login endpoint events
	// (eventType AwsServiceEvent). Names are CloudTrail's, case and all.
	{Name: "Beta_Authorize_GET", Resource: KindClient, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Beta_SAML2Response_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Beta_Token_POST", Resource: KindClient, HostedUI: true, Category: CategoryHostedUI},
	{Name: "CognitoAuthentication", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI}, // credentials submitted to the classic login page
	{Name: "ConfirmForgotPassword_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "ConfirmForgotPassword_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Confirm_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI}, // page load; the guide's example record carries readOnly false
	{Name: "Confirm_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Confirm_With_Link_GET", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},       // not read-only: the link confirms the user
	{Name: "Error_GET", Resource: KindClient, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI}, // names no user; the page belongs to the client's login flow
	{Name: "Event_Feedback_GET", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},          // not read-only: records threat-protection feedback
	{Name: "ForgotPassword_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "ForgotPassword_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Login_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Login_OIDC_SAML_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Logout", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "MfaOption_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "MfaOption_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "MfaRegister_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "MfaRegister_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Mfa_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Mfa_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "OAuth2Response_GET", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI}, // not read-only: completes a federated sign-in
	{Name: "OAuth2Response_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "OAuth2_Authorize_GET", Resource: KindClient, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "ResendCode_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "ResetPassword_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "ResetPassword_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "SAML2Logout_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "SAML2Response_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Signup_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Signup_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "Token_POST", Resource: KindClient, HostedUI: true, Category: CategoryHostedUI},
	{Name: "UserInfo_GET", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "UserInfo_POST", Resource: KindUser, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI}, // reads the user's claims, as UserInfo_GET
	{Name: "confirmUser_GET", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},               // not read-only: the link confirms the user
	{Name: "forgotPassword_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "login_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "login_continue_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "login_passkey_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "mfa_back_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "mfa_options_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "mfa_phone_register_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "mfa_phone_resendCode_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "mfa_phone_verify_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "mfa_totp_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "passkeys_add_GET", Resource: KindWebAuthnCredential, ReadOnly: true, HostedUI: true, Category: CategoryHostedUI},
	{Name: "passkeys_add_POST", Resource: KindWebAuthnCredential, HostedUI: true, Category: CategoryHostedUI},
	{Name: "selectChallenge_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "signup_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "signup_confirm_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
	{Name: "verifyCode_POST", Resource: KindUser, HostedUI: true, Category: CategoryHostedUI},
}

// presetSummaries says in one line what each preset selects. docs/operations.md
// is generated from it; every name in Presets() has an entry.
var presetSummaries = map[string]string{
	string(CategoryAppClients):        "App clients and their client secrets.",
	string(CategoryUsers):             "IAM-authorised management of user records: ListUsers and the Admin* calls that create, delete, confirm, enable or disable users, change their attributes, passwords and federated links, or review their sign-in history.",
	string(CategoryGroups):            "Groups and group membership.",
	string(CategoryPoolConfig):        "The user pool itself and its pool-level settings: custom attributes, MFA, threat protection, tags, log delivery, signing certificate, replicas, provisioned limits.",
	string(CategoryIdentityProviders): "Federated identity providers (SAML, OIDC, social).",
	string(CategoryResourceServers):   "Resource servers and their custom scopes.",
	string(CategoryDomains):           "User pool domains (prefix or custom) of the hosted UI and managed login.",
	string(CategoryImportJobs):        "User import jobs and their CSV header.",
	string(CategoryDevices):           "Remembered devices, self-service and admin.",
	string(CategoryBranding):          "Managed login branding, classic hosted UI customization and terms documents.",
	string(CategoryAuth):              "Sign-up, sign-in, tokens, sessions, MFA and passkeys, and the self-service calls a user makes with an access token or app client id.",
	string(CategoryHostedUI):          "Hosted UI (classic) and managed login endpoint events (detail-type AWS Service Event via CloudTrail).",
	PresetAllMutations:                "Every API operation that is not read-only; no hosted-UI events.",
	PresetAll:                         "Every operation and hosted-UI event in the catalogue, read-only ones included.",
}
