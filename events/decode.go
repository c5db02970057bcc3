package events

import "fmt"

// decoded is what one decoded input holds: the record, and the envelope's
// fields when the record came wrapped in one.
type decoded struct {
	Record
	// wrapped is true when the input was an EventBridge envelope.
	wrapped    bool
	detailType string
	region     string
	account    string
	// recordKeys counts CloudTrail keys seen in the record, to tell a
	// CloudTrail record from any other object.
	recordKeys int
	// red, when set, copies the open-ended parts redacted as they are
	// read, so the input is scanned once.
	red *redactor
}

// decodeInput reads one JSON object, an EventBridge envelope or a bare
// CloudTrail record, in a single pass.
func decodeInput(s *scanner, in *decoded) error {
	if c := s.peek(); c != '{' {
		if c == 0 {
			return fmt.Errorf("%w: input is empty", ErrNotJSON)
		}
		if err := s.skipValue(0); err != nil {
			return err
		}
		return fmt.Errorf("%w: input is %s, not an object", ErrNotJSON, kindName(c))
	}
	s.pos++
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch string(key) {
		case "detail-type":
			in.wrapped = true
			err = readStringField(s, "", "detail-type", &in.detailType)
		case "detail":
			in.wrapped = true
			if c := s.peek(); c != '{' {
				if err = s.skipValue(0); err == nil {
					err = fmt.Errorf("%w: detail is %s, not a CloudTrail record", ErrNotCloudTrail, kindName(c))
				}
				break
			}
			var n int
			n, err = decodeRecord(s, &in.Record, "detail.", in.red)
			in.recordKeys += n
		case "resources":
			// An envelope's resources are ARN strings, a bare record's are
			// objects; keep the objects as the record's.
			err = decodeResources(s, "", &in.Record.Resources)
		case "region":
			err = readStringField(s, "", "region", &in.region)
		case "account":
			err = readStringField(s, "", "account", &in.account)
		default:
			var handled bool
			handled, err = decodeRecordField(s, key, &in.Record, "", in.red)
			if handled {
				in.recordKeys++
			} else if err == nil {
				err = s.skipValue(1)
			}
		}
		if err != nil {
			return err
		}
	}
	return s.end()
}

// decodeRecord reads a CloudTrail record object and returns how many of its
// keys were CloudTrail's. path prefixes field names in errors.
func decodeRecord(s *scanner, rec *Record, path string, red *redactor) (int, error) {
	if err := s.beginObject(); err != nil {
		return 0, err
	}
	n := 0
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil {
			return n, err
		}
		if !ok {
			return n, nil
		}
		handled, err := decodeRecordField(s, key, rec, path, red)
		if err != nil {
			return n, err
		}
		if handled {
			n++
		} else if err := s.skipValue(1); err != nil {
			return n, err
		}
	}
}

// decodeRecordField reads the value of key into rec if key is a field of
// Record, and reports whether it was. With red set, the open-ended parts are
// copied redacted as they are read.
func decodeRecordField(s *scanner, key []byte, rec *Record, path string, red *redactor) (bool, error) {
	var err error
	switch string(key) {
	case "eventVersion":
		err = readStringField(s, path, "eventVersion", &rec.EventVersion)
	case "userIdentity":
		err = decodeObject(s, func(k []byte) (bool, error) {
			return decodeUserIdentityField(s, k, &rec.UserIdentity, path)
		})
	case "eventTime":
		err = readRequiredString(s, path, "eventTime", &rec.EventTime)
	case "eventSource":
		err = readRequiredString(s, path, "eventSource", &rec.EventSource)
	case "eventName":
		err = readRequiredString(s, path, "eventName", &rec.EventName)
	case "awsRegion":
		err = readRequiredString(s, path, "awsRegion", &rec.AWSRegion)
	case "sourceIPAddress":
		err = readStringField(s, path, "sourceIPAddress", &rec.SourceIPAddress)
	case "userAgent":
		err = readStringField(s, path, "userAgent", &rec.UserAgent)
	case "requestParameters":
		rec.RequestParameters, err = red.part(s, sectionRequest)
	case "responseElements":
		rec.ResponseElements, err = red.part(s, sectionResponse)
	case "additionalEventData":
		rec.AdditionalEventData, err = red.part(s, sectionAdditional)
	case "serviceEventDetails":
		rec.ServiceEventDetails, err = s.rawValue()
	case "errorCode":
		err = readStringField(s, path, "errorCode", &rec.ErrorCode)
	case "errorMessage":
		err = readStringField(s, path, "errorMessage", &rec.ErrorMessage)
	case "requestID":
		err = readStringField(s, path, "requestID", &rec.RequestID)
	case "eventID":
		err = readRequiredString(s, path, "eventID", &rec.EventID)
	case "readOnly":
		err = readFlag(s, &rec.ReadOnly)
	case "eventType":
		err = readStringField(s, path, "eventType", &rec.EventType)
	case "managementEvent":
		err = readFlag(s, &rec.ManagementEvent)
	case "recipientAccountId":
		err = readStringField(s, path, "recipientAccountId", &rec.RecipientAccountID)
	case "eventCategory":
		err = readStringField(s, path, "eventCategory", &rec.EventCategory)
	case "tlsDetails":
		if s.peek() != '{' {
			return true, s.skipValue(1)
		}
		rec.TLSDetails = new(TLSDetails)
		t := rec.TLSDetails
		err = decodeObject(s, func(k []byte) (bool, error) {
			switch string(k) {
			case "tlsVersion":
				return true, readStringField(s, path, "tlsDetails.tlsVersion", &t.TLSVersion)
			case "cipherSuite":
				return true, readStringField(s, path, "tlsDetails.cipherSuite", &t.CipherSuite)
			case "clientProvidedHostHeader":
				return true, readStringField(s, path, "tlsDetails.clientProvidedHostHeader", &t.ClientProvidedHostHeader)
			}
			return false, nil
		})
	case "sessionCredentialFromConsole":
		err = readFlag(s, &rec.SessionCredentialFromConsole)
	case "resources":
		err = decodeResources(s, path, &rec.Resources)
	default:
		return false, nil
	}
	return true, err
}

func decodeUserIdentityField(s *scanner, key []byte, u *UserIdentity, path string) (bool, error) {
	switch string(key) {
	case "type":
		return true, readStringField(s, path, "userIdentity.type", &u.Type)
	case "principalId":
		return true, readStringField(s, path, "userIdentity.principalId", &u.PrincipalID)
	case "arn":
		return true, readStringField(s, path, "userIdentity.arn", &u.ARN)
	case "accountId":
		return true, readStringField(s, path, "userIdentity.accountId", &u.AccountID)
	case "accessKeyId":
		return true, readStringField(s, path, "userIdentity.accessKeyId", &u.AccessKeyID)
	case "userName":
		return true, readStringField(s, path, "userIdentity.userName", &u.UserName)
	case "invokedBy":
		return true, readStringField(s, path, "userIdentity.invokedBy", &u.InvokedBy)
	case "sessionContext":
		if s.peek() != '{' {
			return true, s.skipValue(1)
		}
		u.SessionContext = new(SessionContext)
		sc := u.SessionContext
		return true, decodeObject(s, func(k []byte) (bool, error) {
			switch string(k) {
			case "sessionIssuer":
				return true, decodeObject(s, func(k []byte) (bool, error) {
					return decodeSessionIssuerField(s, k, &sc.SessionIssuer, path)
				})
			case "attributes":
				return true, decodeObject(s, func(k []byte) (bool, error) {
					switch string(k) {
					case "creationDate":
						return true, readStringField(s, path, "userIdentity.sessionContext.attributes.creationDate", &sc.Attributes.CreationDate)
					case "mfaAuthenticated":
						return true, readFlag(s, &sc.Attributes.MFAAuthenticated)
					}
					return false, nil
				})
			}
			return false, nil
		})
	}
	return false, nil
}

func decodeSessionIssuerField(s *scanner, key []byte, si *SessionIssuer, path string) (bool, error) {
	switch string(key) {
	case "type":
		return true, readStringField(s, path, "userIdentity.sessionContext.sessionIssuer.type", &si.Type)
	case "principalId":
		return true, readStringField(s, path, "userIdentity.sessionContext.sessionIssuer.principalId", &si.PrincipalID)
	case "arn":
		return true, readStringField(s, path, "userIdentity.sessionContext.sessionIssuer.arn", &si.ARN)
	case "accountId":
		return true, readStringField(s, path, "userIdentity.sessionContext.sessionIssuer.accountId", &si.AccountID)
	case "userName":
		return true, readStringField(s, path, "userIdentity.sessionContext.sessionIssuer.userName", &si.UserName)
	}
	return false, nil
}

// decodeResources reads a CloudTrail resources list, appending its objects
// to dst; strings (an envelope's ARNs) and other odd elements are skipped.
func decodeResources(s *scanner, path string, dst *[]TrailResource) error {
	if s.peek() != '[' {
		return s.skipValue(1)
	}
	s.pos++
	for first := true; ; first = false {
		ok, err := s.nextElement(first)
		if err != nil || !ok {
			return err
		}
		if s.peek() != '{' {
			if err := s.skipValue(2); err != nil {
				return err
			}
			continue
		}
		var r TrailResource
		err = decodeObject(s, func(k []byte) (bool, error) {
			switch string(k) {
			case "accountId":
				return true, readStringField(s, path, "resources[].accountId", &r.AccountID)
			case "type":
				return true, readStringField(s, path, "resources[].type", &r.Type)
			case "ARN":
				return true, readStringField(s, path, "resources[].ARN", &r.ARN)
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		*dst = append(*dst, r)
	}
}

// decodeObject reads an object, handing each key to field, which reads the
// value and reports true, or reports false to have it skipped. A value that
// is not an object (null included) is skipped: an odd nested part never loses
// the record.
func decodeObject(s *scanner, field func(key []byte) (bool, error)) error {
	if s.peek() != '{' {
		return s.skipValue(1)
	}
	s.pos++
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		handled, err := field(key)
		if err != nil {
			return err
		}
		if !handled {
			if err := s.skipValue(1); err != nil {
				return err
			}
		}
	}
}

// readStringField reads a string into dst. null leaves dst as it is; a
// number or boolean is kept as its literal text; an object or array is an
// error naming the field.
func readStringField(s *scanner, path, field string, dst *string) error {
	switch c := s.peek(); c {
	case '"':
		v, err := s.readString()
		*dst = v
		return err
	case 'n':
		return s.literal("null")
	case '{', '[':
		if err := s.skipValue(1); err != nil {
			return err
		}
		return fmt.Errorf("%w: field %s%s is %s, want a string", ErrNotCloudTrail, path, field, kindName(c))
	default:
		start := s.pos
		if err := s.skipValue(1); err != nil {
			return err
		}
		*dst = s.str[start:s.pos]
		return nil
	}
}

// readRequiredString reads one of the fields that identify a record; unlike
// readStringField it takes nothing but a string or null, and a value of
// another kind is a required field in a form that cannot be used.
func readRequiredString(s *scanner, path, field string, dst *string) error {
	switch c := s.peek(); c {
	case '"', 'n':
		return readStringField(s, path, field, dst)
	default:
		if err := s.skipValue(1); err != nil {
			return err
		}
		return fmt.Errorf("%w: field %s%s is %s, want a string", ErrMissingField, path, field, kindName(c))
	}
}

// readFlag reads a Flag: true, false, "true" or "false"; anything else is
// false.
func readFlag(s *scanner, dst *Flag) error {
	raw, err := s.rawValue()
	if err != nil {
		return err
	}
	return dst.UnmarshalJSON(raw)
}
