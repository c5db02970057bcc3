package events

// unauthenticated reports whether the caller presented no AWS credentials:
// public user-pool APIs (type Unknown, principal Anonymous) and hosted-UI
// requests (no type at all).
func unauthenticated(u *UserIdentity) bool {
	return u.Type == "Unknown" || u.Type == "Anonymous" || u.PrincipalID == "Anonymous" ||
		u.Type == "" && u.ARN == "" && u.PrincipalID == ""
}

// writeData appends the data document (docs/events.md, schema/data.v1.json).
// request, response and additional are the redacted parts, empty when the
// record had none; add holds the identifiers found in additionalEventData.
func writeData(dst []byte, rec *Record, region, account string, kind ResourceKind, resourceID, pool string, add *hints, request, response, additional []byte) []byte {
	w := jsonWriter{b: append(dst, '{')}

	w.open("call")
	w.str("eventName", rec.EventName)
	w.str("eventSource", rec.EventSource)
	w.optStr("eventType", rec.EventType)
	w.optStr("eventCategory", rec.EventCategory)
	w.optStr("eventVersion", rec.EventVersion)
	w.str("eventTime", rec.EventTime)
	w.str("eventID", rec.EventID)
	w.optStr("requestID", rec.RequestID)
	w.boolean("readOnly", bool(rec.ReadOnly))
	w.boolean("managementEvent", bool(rec.ManagementEvent))
	w.str("awsRegion", region)
	w.optStr("recipientAccountId", account)
	w.close()

	u := &rec.UserIdentity
	w.open("actor")
	w.optStr("type", u.Type)
	w.optStr("principalId", u.PrincipalID)
	w.optStr("arn", u.ARN)
	w.optStr("accountId", u.AccountID)
	w.optStr("userName", u.UserName)
	w.optStr("invokedBy", u.InvokedBy)
	if sc := u.SessionContext; sc != nil {
		if si := sc.SessionIssuer; si != (SessionIssuer{}) {
			w.open("sessionIssuer")
			w.optStr("type", si.Type)
			w.optStr("principalId", si.PrincipalID)
			w.optStr("arn", si.ARN)
			w.optStr("accountId", si.AccountID)
			w.optStr("userName", si.UserName)
			w.close()
		}
		w.boolean("mfaAuthenticated", bool(sc.Attributes.MFAAuthenticated))
	}
	if rec.SessionCredentialFromConsole {
		w.boolean("sessionCredentialFromConsole", true)
	}
	w.boolean("unauthenticated", unauthenticated(u))
	w.close()

	w.optStr("sourceIPAddress", rec.SourceIPAddress)
	w.optStr("userAgent", rec.UserAgent)

	w.open("resource")
	w.str("type", string(kind))
	w.optStr("id", resourceID)
	w.optStr("userPoolId", pool)
	w.close()

	w.raw("requestParameters", request)
	w.raw("responseElements", response)

	if len(additional) > 0 {
		w.open("additionalEventData")
		w.optStr("userPoolDomain", add[hintUserPoolDomain])
		w.optStr("clientId", add[hintClientID])
		w.optStr("sub", add[hintSub])
		w.number("responseStatus", add[hintStatus])
		w.key("details")
		w.b = append(w.b, additional...)
		w.close()
	}

	if rec.ErrorCode != "" || rec.ErrorMessage != "" {
		w.open("error")
		w.optStr("code", rec.ErrorCode)
		w.optStr("message", rec.ErrorMessage)
		w.close()
	}
	return append(w.b, '}')
}
