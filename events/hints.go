package events

// Placeholders Cognito writes in place of values it hides. Hidden values stay
// hidden: they are passed through, never treated as identifiers.
const (
	HiddenDueToSecurityReasons = "HIDDEN_DUE_TO_SECURITY_REASONS"
	HiddenForSecurityReasons   = "HIDDEN_FOR_SECURITY_REASONS"
)

// isHidden reports whether v is one of Cognito's placeholders.
func isHidden(v string) bool {
	return v == HiddenDueToSecurityReasons || v == HiddenForSecurityReasons
}

// hint is an identifier picked up while walking the open-ended parts.
type hint int

const (
	hintNone hint = iota
	hintUserPoolID
	hintClientID
	hintUsername
	hintSub
	hintGroupName
	hintProviderName
	hintIdentifier
	hintDomain
	hintJobID
	hintDeviceKey
	hintBrandingID
	hintTermsID
	hintCredentialID
	hintResourceARN
	hintUserPoolDomain
	hintStatus
	numHints
)

// hints holds the first non-hidden value seen for each hint.
type hints [numHints]string

func (h *hints) set(k hint, v string) {
	if k != hintNone && h[k] == "" && v != "" && !isHidden(v) {
		h[k] = v
	}
}

// section says which part of the record a walk is in; each has its own
// rules for which keys carry hints.
type section int

const (
	sectionRequest section = iota
	sectionResponse
	sectionAdditional
	numSections
)

// resourceHint maps the API's identifier keys to hints.
func resourceHint(key []byte) hint {
	switch string(key) {
	case "userPoolId":
		return hintUserPoolID
	case "clientId":
		return hintClientID
	case "username":
		return hintUsername
	case "groupName":
		return hintGroupName
	case "providerName":
		return hintProviderName
	case "identifier":
		return hintIdentifier
	case "domain":
		return hintDomain
	case "jobId":
		return hintJobID
	case "deviceKey":
		return hintDeviceKey
	case "managedLoginBrandingId":
		return hintBrandingID
	case "termsId":
		return hintTermsID
	case "credentialId":
		return hintCredentialID
	case "resourceArn":
		return hintResourceARN
	}
	return hintNone
}

// hintFor says which hint the value of key carries. depth is the depth of
// the object holding key (1 for the section's top level); parent is the key
// of that object.
func hintFor(sec section, depth int, parent, key []byte) hint {
	switch sec {
	case sectionRequest:
		if depth == 1 {
			return resourceHint(key)
		}
	case sectionResponse:
		switch {
		case depth == 1 && string(key) == "userSub":
			return hintSub
		case depth == 2 && string(parent) == "userPool" && string(key) == "id":
			return hintUserPoolID
		case depth <= 2:
			return resourceHint(key)
		}
	case sectionAdditional:
		switch {
		case depth == 1:
			switch string(key) {
			case "userPoolId":
				return hintUserPoolID
			case "userPoolDomain":
				return hintUserPoolDomain
			case "sub":
				return hintSub
			case "clientId":
				return hintClientID
			}
		case depth == 2 && string(parent) == "requestParameters":
			switch string(key) {
			case "client_id":
				return hintClientID
			case "sub":
				return hintSub
			}
		case depth == 2 && string(parent) == "responseParameters" && string(key) == "status":
			return hintStatus
		}
	}
	return hintNone
}

// subjectID returns the id of the resource of kind that the record names,
// or "" when it names none (pool-level calls, or the id was hidden).
func subjectID(kind ResourceKind, h *hints) string {
	switch kind {
	case KindClient:
		return h[hintClientID]
	case KindUser:
		return firstNonEmpty(h[hintSub], h[hintUsername])
	case KindGroup:
		return h[hintGroupName]
	case KindIdentityProvider:
		return h[hintProviderName]
	case KindResourceServer:
		return h[hintIdentifier]
	case KindDomain:
		return firstNonEmpty(h[hintDomain], h[hintUserPoolDomain])
	case KindImportJob:
		return h[hintJobID]
	case KindDevice:
		return h[hintDeviceKey]
	case KindManagedLoginBranding:
		return h[hintBrandingID]
	case KindTerms:
		return h[hintTermsID]
	case KindWebAuthnCredential:
		return h[hintCredentialID]
	}
	return ""
}

// guessKind is the resource kind of an operation the catalogue does not know
// yet (a newer API): the most specific identifier the record names.
func guessKind(h *hints) ResourceKind {
	order := []struct {
		h    hint
		kind ResourceKind
	}{
		{hintDeviceKey, KindDevice},
		{hintCredentialID, KindWebAuthnCredential},
		{hintGroupName, KindGroup},
		{hintProviderName, KindIdentityProvider},
		{hintIdentifier, KindResourceServer},
		{hintJobID, KindImportJob},
		{hintBrandingID, KindManagedLoginBranding},
		{hintTermsID, KindTerms},
		{hintDomain, KindDomain},
		{hintSub, KindUser},
		{hintUsername, KindUser},
		{hintClientID, KindClient},
	}
	for _, o := range order {
		if h[o.h] != "" {
			return o.kind
		}
	}
	return KindUserPool
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
