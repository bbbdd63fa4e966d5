#!/usr/bin/env python3
"""Hand-written blind evaluation set for bank-chat personal-data redaction.

Every message below was written by hand (no Faker, no templates). Values are
invented. Entities are marked inline as [[ENTITY_TYPE|value]]; this script strips
the markers, computes character offsets (exclusive end) and writes
pii_chat_eval.jsonl next to itself.

Labelling conventions (kept consistent across the whole set):
  * PERSON: the name tokens only; titles (mr, mrs, dr) are NOT inside the span.
    Any individual's name counts (customer, family, payee, staff member).
    Company / product names that contain names (JP Morgan, Marks & Spencer)
    are NOT persons. Words that can be names but are used as words/places
    (grace period, Florence, Jordan, Victoria Road branch) are NOT persons.
  * STREET_ADDRESS: from flat/house number through street, plus town and
    postcode when they follow contiguously as part of the same address.
    A street or branch named without a house number ("Main Street branch",
    "the ATM on King Street") is a place, NOT an address.
  * US_BANK_NUMBER: account numbers (UK 8-digit, US checking/savings) and UK
    sort codes, each as its own span. BIC/SWIFT codes are NOT labelled.
  * CREDIT_CARD: the full number (12-19 digits, any separators), Luhn-valid or
    not. "card ending 7719" (last four only) is NOT labelled.
  * CARD_EXPIRY / CVV / PIN / OTP / PASSWORD: the value only, not the keyword.
    "valid from" dates are not expiries. Promo codes, error codes, cheque and
    transaction/complaint references are NOT OTPs or personal data.
    UK "memorable word/information" is labelled PASSWORD.
  * Amounts, dates, times, percentages, product names, branch names: never labelled.
  * Split cards: {"turns": [...], "spans": [{"turn": i, ...}]}; each fragment is
    labelled CREDIT_CARD within its own turn.

Checksums: card numbers and IBANs were typed by hand; the final check digit of
most of them was then corrected with a one-off Luhn / mod-97 calculation so that
most are valid. A few are deliberately left invalid (kinds "card-typo",
"card-extra-digit", "iban-typo", "iban-de-typo", some others) because a mistyped
number is still personal data. validate() prints the valid/invalid split.
"""
import json
import os
import re
import sys

MARK = re.compile(r"\[\[([A-Z_]+)\|(.*?)\]\]", re.S)
TYPES = {"CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_BANK_NUMBER", "EMAIL_ADDRESS",
         "PHONE_NUMBER", "PERSON", "STREET_ADDRESS", "PIN", "PASSWORD", "OTP",
         "CVV", "CARD_EXPIRY"}

# (kind, text)  or  (kind, [turn0, turn1])
M = [
# ---------------------------------------------------------------- cards
("card-spaced", "hi i think my card has been cloned, the number is [[CREDIT_CARD|4539 1488 0343 6467]] can u block it asap"),
("card-nospace", "[[CREDIT_CARD|4716190207394368]] this is the card the atm swallowed"),
("card-amex", "my amex is [[CREDIT_CARD|3759 876543 21004]] and the payment to british gas didnt go thru"),
("card-odd-spacing", "number on the front is [[CREDIT_CARD|4024 00715 3621 445]] i think"),
("card-typo", "sorry typo before, its [[CREDIT_CARD|4921 8830 1275 6634]]"),
("card-19digit", "my maestro [[CREDIT_CARD|6759 6498 2643 8453 011]] keeps getting rejected online"),
("card-dashed", "[[CREDIT_CARD|4532-7153-3790-4118]] lost it on the number 38 bus"),
("card-digit-spaced", "card is [[CREDIT_CARD|4 5 5 6 7 3 7 5 8 6 8 9 9 8 5 5]] sorry my phone is doing weird spacing"),
("card-ending-then-full", "the one ending 6467? no sorry the full number is [[CREDIT_CARD|4539148803436467]]"),
("card-extra-digit", "cc [[CREDIT_CARD|52137704661903588]] is it blocked"),
("card-13digit", "really old visa card, [[CREDIT_CARD|4024 0071 2298 5]], does it still work"),
("card-12digit", "the gift/prepaid card number is [[CREDIT_CARD|6011 2044 9871]] is it one of yours"),
("card+exp+cvv", "trying to pay online, card [[CREDIT_CARD|4263 9826 4026 9299]] exp [[CARD_EXPIRY|03/26]] cvv [[CVV|837]] and it says invalid details"),
("card+exp", "visa debit [[CREDIT_CARD|4929 0417 3358 2211]] expires [[CARD_EXPIRY|11/2028]] - why is it being declined"),
("card+exp", "[[CREDIT_CARD|5590 1123 4478 0067]] exp [[CARD_EXPIRY|0927]]"),
("card+exp+cvv-multiline", "card: [[CREDIT_CARD|5213770466190352]]\nexpiry: [[CARD_EXPIRY|08/29]]\nsecurity code: [[CVV|402]]"),
("card+cvv-amex", "amex [[CREDIT_CARD|3412 567890 12347]] and the 4 digit code on the front is [[CVV|7391]]"),
("card+exp+cvv", "[[CREDIT_CARD|4111 2233 4455 6671]] [[CARD_EXPIRY|12/27]] [[CVV|550]] is that right for the booking"),
("card+exp+cvv+name", "name on card [[PERSON|R M Ellison]], [[CREDIT_CARD|4556 0912 7788 3418]], valid thru [[CARD_EXPIRY|04/25]], cvc [[CVV|119]]"),
("card+exp", "my card [[CREDIT_CARD|5412 7534 9821 0041]] expired [[CARD_EXPIRY|10/24]] and i never got a new one"),
("card+pin", "card [[CREDIT_CARD|4485 3302 9917 6624]] pin [[PIN|3381]] pls dont let anyone use it"),
("card+name", "Card holder [[PERSON|Anthony Pirelli]], card number [[CREDIT_CARD|5301 8846 2219 0074]]"),

# ---------------------------------------------------------------- split cards
("split-card-8-8", ["my card number is [[CREDIT_CARD|4716 2281]]", "[[CREDIT_CARD|0934 5516]]"]),
("split-card-8-8", ["[[CREDIT_CARD|4921 5507]]", "[[CREDIT_CARD|3318 0261]]"]),
("split-card-12-4", ["card is [[CREDIT_CARD|5425 2334 3010]]", "[[CREDIT_CARD|9903]] sorry hit send"]),
("split-card-oops", ["its [[CREDIT_CARD|4929 0417 33]]", "oops [[CREDIT_CARD|58 2211]]"]),
("split-card-nospace", ["[[CREDIT_CARD|45567375]]", "[[CREDIT_CARD|86899855]] thats the long number"]),
("split-card-amex", ["amex [[CREDIT_CARD|3759 876543]]", "[[CREDIT_CARD|21004]]"]),
("split-card-dashed", ["number is [[CREDIT_CARD|5168-4412-]]", "[[CREDIT_CARD|0093-7723]]"]),
("split-card-6-10", ["first bit [[CREDIT_CARD|465820]]", "rest is [[CREDIT_CARD|1977340281]]"]),
("split-card-4-12", ["[[CREDIT_CARD|4263]]", "[[CREDIT_CARD|9826 4026 9299]] is my card"]),
("split-card-typo", ["card [[CREDIT_CARD|5355 2200 1847]]", "[[CREDIT_CARD|9910]]"]),
("split-card-exp", ["[[CREDIT_CARD|4658 2019]]", "[[CREDIT_CARD|7734 0281]] exp [[CARD_EXPIRY|06/28]]"]),
("split-card-caps", ["CARD NO [[CREDIT_CARD|4916 3387]]", "[[CREDIT_CARD|2210 5563]] PLS CANCEL"]),

# ---------------------------------------------------------------- expiry / cvv
("expiry", "my card expires [[CARD_EXPIRY|11/2028]] is that when the new one comes"),
("expiry-words", "it expires end of [[CARD_EXPIRY|oct 2026]] do i need to do anything"),
("expiry-validfrom", "the card says valid from 01/23 until [[CARD_EXPIRY|01/28]]"),
("expiry", "good thru [[CARD_EXPIRY|7/27]]"),
("expiry+cvv", "exp [[CARD_EXPIRY|05/29]] cvv [[CVV|284]]"),
("expiry", "it keeps saying expiry date invalid, i typed [[CARD_EXPIRY|02/30]]"),
("expiry", "replacement card has a different expiry, [[CARD_EXPIRY|12/2029]], do i have to update netflix"),
("expiry", "exp. [[CARD_EXPIRY|0326]]"),
("expiry-words", "expiry is [[CARD_EXPIRY|march 2027]]"),
("expiry-dash", "card exp [[CARD_EXPIRY|10-27]] security no [[CVV|615]]"),
("cvv", "the 3 digits on the back are [[CVV|918]]"),
("cvv", "cvv [[CVV|123]] if u need it"),
("cvv", "do you need the cvc? its [[CVV|064]]"),
("cvv", "security number on the back [[CVV|771]]"),
("cvv-two-guesses", "the code on the back is worn off, i think its [[CVV|352]] or [[CVV|358]]"),
("cvv", "csc: [[CVV|506]]"),
("cvv+card-ending", "the back code is [[CVV|229]], card is the one ending 0062"),
("cvv", "3 digit code [[CVV|847]]"),
("cvv-scam", "the website asked for cvv and i put [[CVV|490]], was that a scam site??"),
("cvv-amex", "amex security code [[CVV|4418]]"),
("cvv+expiry", "CVV: [[CVV|732]] Expiry: [[CARD_EXPIRY|01/27]]"),

# ---------------------------------------------------------------- PIN
("pin", "my pin is [[PIN|4821]] and the machine says incorrect"),
("pin", "i changed my pin to [[PIN|7734]] at the atm but the shop still says wrong pin"),
("pin-two-guesses", "forgot my pin, i think its [[PIN|2580]] or maybe [[PIN|0852]]"),
("pin", "pin [[PIN|0093]]"),
("pin-family", "is it ok if i tell my daughter my pin, its [[PIN|6140]]"),
("pin", "locked out after typing [[PIN|1397]] three times, that IS my pin"),
("pin", "my old pin was [[PIN|5521]] did it reset with the new card?"),
("pin", "PIN: [[PIN|9046]]"),
("pin-spaced", "pin number is [[PIN|3 1 8 7]]"),
("pin", "the pin letter said [[PIN|6602]] but it doesnt work at the cash machine"),
("pin-new", "can i change my pin to [[PIN|2468]] from the app"),
("pin-family", "my mums pin is [[PIN|7290]] she asked me to take cash out for her"),
("pin", "pin's [[PIN|8305]]"),
("pin-6digit", "6 digit pin? mine is [[PIN|482913]]"),
("pin", "pls reset it, current pin [[PIN|1759]]"),
("pin+name", "hi its [[PERSON|Doreen]], my pin is [[PIN|2204]] my grandson wrote it down for me"),

# ---------------------------------------------------------------- PASSWORD
("password", "my password is [[PASSWORD|Sunflower!22]]"),
("password", "pw: [[PASSWORD|tiger1987]] and it says incorrect"),
("password", "i reset it to [[PASSWORD|Bluebell_44]] but still cant log in"),
("password", "password = [[PASSWORD|Chelsea#2019]]"),
("password+email", "login is [[EMAIL_ADDRESS|jdawson77@gmail.com]] pass [[PASSWORD|qwerty!!77]]"),
("password", "it wont accept [[PASSWORD|P@ssw0rd2024]] as my new password, says too weak??"),
("password-memorable", "memorable word is [[PASSWORD|biscuit]]"),
("password-memorable", "memorable info: [[PASSWORD|rosie2011]]"),
("password", "my online banking password is [[PASSWORD|MillieMoo88]] can you check if its locked"),
("password", "pass is [[PASSWORD|h4ppyd4ys!]]"),
("password-two-guesses", "i think my password is either [[PASSWORD|Liverpool1892]] or [[PASSWORD|liverpool1892!]]"),
("password", "new password [[PASSWORD|Tr0mb0ne&Tuba3]] is that strong enough"),
("password", "pwd [[PASSWORD|Xk9#mQ2vL]]"),
("password", "i set my password to [[PASSWORD|summer2023]] yesterday and today it doesnt work"),
("password-caps", "PASSWORD IS [[PASSWORD|MANCHESTER61]] WHY WONT IT LET ME IN"),
("password+name", "my name is [[PERSON|Wendy Clarke]] and my password is [[PASSWORD|Poppy&Alfie2]]"),

# ---------------------------------------------------------------- OTP
("otp", "the code you sent is [[OTP|551 093]]"),
("otp", "code is [[OTP|482910]]"),
("otp-4digit", "got the otp [[OTP|7731]]"),
("otp", "verification code: [[OTP|908112]]"),
("otp", "[[OTP|338190]] is the code from the text"),
("otp", "i entered [[OTP|664 205]] but it says expired"),
("otp-spaced", "one time passcode [[OTP|10 44 87]]"),
("otp", "security code from the text message: [[OTP|229017]]"),
("otp", "otp [[OTP|845 302]] didnt work, can u send another"),
("otp-fraud", "someone rang pretending to be you and i read them the code [[OTP|417 558]] oh no what do i do"),
("otp-5digit", "code [[OTP|90311]]"),
("otp", "the app code was [[OTP|736219]]"),
("otp-dash", "text says your code is [[OTP|118-402]]"),
("otp", "i got 2 codes, [[OTP|550 871]] and then [[OTP|203 664]], which one do i use"),
("otp-words", "the 6 digit number they texted me is [[OTP|092 447]]"),
("otp-8digit", "the card reader gave me [[OTP|40918273]]"),

# ---------------------------------------------------------------- IBAN
("iban-gb-spaced", "my iban is [[IBAN_CODE|GB65 BARC 2004 1573 8124 56]]"),
("iban-gb-nospace", "send it to [[IBAN_CODE|GB55LOYD30971245667890]] please"),
("iban-de", "transfer from germany, their iban is [[IBAN_CODE|DE59 2004 1155 0987 6543 21]]"),
("iban-fr", "iban of my landlord in france [[IBAN_CODE|FR73 1027 8060 3100 0204 5670 112]]"),
("iban-es-lower", "sorry caps lock, iban is [[IBAN_CODE|es60 0049 1500 0512 3456 7892]]"),
("iban-it", "Please confirm IBAN [[IBAN_CODE|IT90 K030 6909 6061 0000 0067 341]] is correct for the wedding venue"),
("iban-nl", "[[IBAN_CODE|NL11RABO0312458876]] thats the dutch one"),
("iban-ie", "my irish account [[IBAN_CODE|IE24 BOFI 9000 1723 4567 89]]"),
("iban-be", "iban: [[IBAN_CODE|BE21 3630 4418 2713]]"),
("iban-ch", "swiss iban [[IBAN_CODE|CH93 0076 2011 6238 5295 7]] for my pension"),
("iban-pl", "moje konto... sorry, my polish iban is [[IBAN_CODE|PL61 1090 1014 0000 0712 1981 2874]]"),
("iban-pt", "[[IBAN_CODE|PT50 0002 0123 1234 5678 9015 4]] is where the villa rent goes"),
("iban-gb", "whats my iban? is it [[IBAN_CODE|GB21 HBUK 4012 3398 7654 21]]"),
("iban-gb-lower", "iban [[IBAN_CODE|gb47nwbk60221187334509]]"),
("iban-typo", "i typed [[IBAN_CODE|GB47 MIDL 4005 1543 2109 78]] is that why it bounced"),
("iban-fr", "mon iban / my iban [[IBAN_CODE|FR81 3000 4028 3700 0102 3456 789]]"),
("iban-gb+name", "pay [[PERSON|Callum Fraser]] at [[IBAN_CODE|GB84 CPBK 0890 2211 4478 30]] £450"),
("iban-es", "iban [[IBAN_CODE|ES59 2085 0103 9212 3456 7890]] - my sons account in valencia"),
("iban-gb-odd-spacing", "iban is [[IBAN_CODE|GB04 NAIA 070116 34876512]] i copied it off the letter"),
("iban-de-typo", "Empfänger IBAN [[IBAN_CODE|DE04 3702 0500 0008 8213 73]]"),

# ---------------------------------------------------------------- US_SSN
("ssn", "my ssn is [[US_SSN|412-58-9031]]"),
("ssn-spaced", "social security number [[US_SSN|529 44 1876]]"),
("ssn-nodash", "ssn: [[US_SSN|318227645]]"),
("ssn", "for the tax form, SSN [[US_SSN|603-19-4482]]"),
("ssn", "my social is [[US_SSN|251-73-0918]] do you need anything else"),
("ssn-correction", "my ssn was entered wrong, correct one is [[US_SSN|447-62-1309]] not [[US_SSN|447-26-1309]]"),
("ssn-spaced", "w-9 says [[US_SSN|138 40 2276]]"),
("ssn+name", "hi im [[PERSON|Tyler Brooks]] ssn [[US_SSN|376-81-5520]] i want to open a checking account"),
("ssn-family", "my daughters ssn for the custodial account is [[US_SSN|684-20-3317]]"),
("ssn-nodash", "ssn [[US_SSN|572019984]] for the 1099 form"),
("ssn", "i think someone used my social [[US_SSN|331-90-2417]] to open a card"),
("ssn+name", "[[PERSON|Maria Gonzalez]], ssn [[US_SSN|610-35-8824]], calling about the loan"),
("ssn-dot", "ssn [[US_SSN|254.68.1193]]"),
("ssn", "do u need my social? its [[US_SSN|489-12-6650]]"),
("ssn+phone", "ssn [[US_SSN|702-44-1985]] and my cell is [[PHONE_NUMBER|(415) 555-0143]]"),
("ssn-spouse", "add my wife to the account, her ssn is [[US_SSN|146 83 2071]]"),
("ssn", "the form rejected [[US_SSN|408-71-3362]] saying invalid, but thats my number"),

# ---------------------------------------------------------------- US_BANK_NUMBER (UK sort code + account, US accounts)
("uk-sort+acct", "sort code [[US_BANK_NUMBER|20-45-67]] account [[US_BANK_NUMBER|41234567]]"),
("uk-acct+sort", "acc no [[US_BANK_NUMBER|73920184]] sc [[US_BANK_NUMBER|40-11-62]]"),
("us-acct", "my checking account number is [[US_BANK_NUMBER|483920175562]]"),
("uk-sort+acct", "pay into [[US_BANK_NUMBER|30-96-54]] [[US_BANK_NUMBER|15928374]] please"),
("us-acct-spaced", "savings acct # [[US_BANK_NUMBER|9023 4418 72]]"),
("uk-sort-nodash", "sc [[US_BANK_NUMBER|309634]] acc [[US_BANK_NUMBER|02215689]]"),
("uk-acct+name", "the money went to [[PERSON|Kwame Mensah]] acc [[US_BANK_NUMBER|55102938]] but i meant a different account"),
("uk-sort-spaced", "sort code [[US_BANK_NUMBER|60 83 71]] account number [[US_BANK_NUMBER|2093 4817]]"),
("uk-acct-typo", "sorry i gave the wrong number, its [[US_BANK_NUMBER|19283746]] not [[US_BANK_NUMBER|19283764]]"),
("uk-sort", "is [[US_BANK_NUMBER|11-22-33]]... no wait sort code is [[US_BANK_NUMBER|11-02-83]]"),
("us-acct-name", "joint account [[US_BANK_NUMBER|227104938811]] with my wife [[PERSON|Denise]]"),

# ---------------------------------------------------------------- EMAIL
("email", "my email is [[EMAIL_ADDRESS|priya.raman87@gmail.com]]"),
("email", "pls send the statement to [[EMAIL_ADDRESS|d.okafor@hotmail.co.uk]]"),
("email-caps", "EMAIL [[EMAIL_ADDRESS|BIGDAVE1964@YAHOO.COM]]"),
("email-plus", "use [[EMAIL_ADDRESS|sam.taylor+bank@outlook.com]] for alerts"),
("email-change", "change my email from [[EMAIL_ADDRESS|helen.marsh@btinternet.com]] to [[EMAIL_ADDRESS|helenmarsh.home@gmail.com]]"),
("email-work", "send it to my work email [[EMAIL_ADDRESS|l.fernandez@brightwater-consulting.ie]]"),
("email", "[[EMAIL_ADDRESS|kwabena.asante@protonmail.com]] is my new email"),
("email+name", "hi i'm [[PERSON|Nadia Petrova]], email [[EMAIL_ADDRESS|nadia.petrova@mail.ru]]"),
("email-typo", "its [[EMAIL_ADDRESS|mikeyb@gmial.com]] sorry i always spell it wrong"),
("email-sub", "can u send the letter to [[EMAIL_ADDRESS|accounts@thornbury-plumbing.co.uk]], its my business"),
("email+phone", "email [[EMAIL_ADDRESS|t.brooks@me.com]] or text [[PHONE_NUMBER|212.555.0164]]"),
("email", "i didnt get the reset link, my email is [[EMAIL_ADDRESS|jamie_ok@icloud.com]]"),
("email", "is the email on file [[EMAIL_ADDRESS|oliviagreen2002@gmail.com]]? i didnt get anything"),
("email", "the confirmation went to [[EMAIL_ADDRESS|marco.rossi@libero.it]]"),
("email", "contact me at [[EMAIL_ADDRESS|r.singh.91@yahoo.in]]"),
("email-dot", "[[EMAIL_ADDRESS|emilyrose.carter@outlook.com]] thats my email"),
("email", "my son set up the app with his email [[EMAIL_ADDRESS|ollie.baxter@live.co.uk]] can we change it to mine"),

# ---------------------------------------------------------------- PHONE
("phone-uk-mobile", "pls call me back on [[PHONE_NUMBER|07700 900 123]] after 5"),
("phone-uk-mobile-nospace", "my number is [[PHONE_NUMBER|07700900461]]"),
("phone-uk-intl", "ring me on [[PHONE_NUMBER|+44 7911 123456]] im abroad"),
("phone-uk-intl-0", "[[PHONE_NUMBER|+44 (0)20 7946 0958]] is the best number"),
("phone-short-local", "my number is [[PHONE_NUMBER|555-0143]]"),
("phone-de", "ich bin in berlin, number is [[PHONE_NUMBER|+49 30 12345678]]"),
("phone-fr", "you can reach me on [[PHONE_NUMBER|+33 6 12 34 56 78]]"),
("phone-in", "call my brother in india [[PHONE_NUMBER|+91 98765 43210]] he will confirm"),
("phone-au", "im in sydney rn, [[PHONE_NUMBER|+61 412 345 678]]"),
("phone-ng", "my mum's number in lagos [[PHONE_NUMBER|+234 803 123 4567]]"),
("phone-uk-dashed", "new mobile [[PHONE_NUMBER|07700-900-555]] pls update"),
("phone-change", "change my number from [[PHONE_NUMBER|07700 900 312]] to [[PHONE_NUMBER|07700 900 718]]"),
("phone-odd-spacing", "mob [[PHONE_NUMBER|077 009 00 844]]"),
("phone+name", "this is [[PERSON|Bethany Cole]], call me on [[PHONE_NUMBER|07700 900 233]]"),

# ---------------------------------------------------------------- PERSON
("person-self", "hi my name is [[PERSON|priya raman]] and i cant log in"),
("person-firstname", "my name is [[PERSON|siobhan]] and my card got eaten by the machine on the high street"),
("person-child", "can my son [[PERSON|tomasz]] use my card for the school trip"),
("person-title", "name on the account is MR [[PERSON|JAMES A WHITFIELD]]"),
("person-bereavement", "my mum [[PERSON|margaret o'neill]] passed away last month, how do i close her account"),
("person-landlord", "its [[PERSON|chen wei]] here, my landlord mr [[PERSON|patel]] says he hasnt got the rent"),
("person-misspelt", "the payee name should be [[PERSON|Agnieszka Nowak]] not [[PERSON|agnieska nowak]], will it still go through"),
("person-staff", "hi, [[PERSON|Sarah]] from the branch told me to message here"),
("person-product", "my name is [[PERSON|Li Na Zhang]] and my Visa Platinum card was declined in Selfridges"),
("person-grace", "send it to [[PERSON|Grace]] please, shes my sister, same as last month"),
("person-three", "hello i'm [[PERSON|Mohammed Iqbal]], i'd like to open savings accounts for my twins [[PERSON|Zara]] and [[PERSON|Yusuf]]"),
("person-jordan", "[[PERSON|Jordan Blake]] here, i need a letter confirming my address"),
("person-accent", "soy [[PERSON|José Luis Martínez]], my card doesnt work in spain"),
("person-agent", "thanks [[PERSON|Priyanka]] thats really helpful"),

# ---------------------------------------------------------------- STREET_ADDRESS
("addr-uk", "i moved to [[STREET_ADDRESS|14 Elm Grove, Bristol BS7 8PT]] can u update it"),
("addr-uk-flat", "new address is [[STREET_ADDRESS|flat 3, 22 carlton road, nottingham ng3 2dr]]"),
("addr-us", "my address is [[STREET_ADDRESS|1427 Maple Ave, Springfield, IL 62704]]"),
("addr-us-apt", "ship the card to [[STREET_ADDRESS|88 w 34th st apt 5c new york ny 10001]]"),
("addr-uk-nopostcode", "i live at [[STREET_ADDRESS|7 Quarry Hill, Leeds]]"),
("addr-uk+name", "pls send the new card to my daughter [[PERSON|Aisha Khan]] at [[STREET_ADDRESS|27 Rosebery Avenue, Manchester M14 6LE]]"),
("addr-ie+name", "Im [[PERSON|Lucía Fernández]], I moved to [[STREET_ADDRESS|Flat 4, 19 Harcourt Street, Dublin 2]]"),
("addr-uk-complex", "[[STREET_ADDRESS|Flat 12b Westbury Court, 5 Mill Lane, Oxford OX2 6HN]] is my correspondence address"),
("addr-uk-lower", "address [[STREET_ADDRESS|41 st johns rd]]"),
("addr-uk-house-name", "its [[STREET_ADDRESS|Rose Cottage, 2 Church Lane, Little Hadham]]"),
("addr-us-unit", "billing address [[STREET_ADDRESS|5600 N Sheridan Rd Unit 1204, Chicago IL 60660]]"),
("addr-uk-postcode-no-space", "[[STREET_ADDRESS|56 Hollybush Lane, Sheffield S62JP]]"),
("addr-us-lower", "i live at [[STREET_ADDRESS|1138 willow creek rd]] pls update"),
("addr-uk-typo", "adress is [[STREET_ADDRESS|33 Aberdene Cresent, Cardiff CF14 3JP]]"),
("addr-uk-caps", "[[STREET_ADDRESS|12 HIGHFIELD ROAD, NORWICH NR2 3AE]]"),
("addr-uk-main-street", "i live at [[STREET_ADDRESS|45 Main Street, Kirkby Stephen]], not near the Main Street branch"),
("addr-uk-ground-floor", "new address is [[STREET_ADDRESS|ground floor flat, 61 Victoria Road, Edinburgh EH6 5PT]]"),
("addr-us-no-comma", "[[STREET_ADDRESS|17 Cedar Ln Brookline MA 02445]] is where i am now"),
("addr-uk-newline", "new address:\n[[STREET_ADDRESS|8 Larch Close\nCheltenham\nGL51 7RE]]"),
("addr-uk-old-new", "please change [[STREET_ADDRESS|22 Bell Street]] to [[STREET_ADDRESS|16 Mercer Way, Reading RG2 9PL]]"),
("addr-uk-rural", "[[STREET_ADDRESS|The Old Forge, 3 Back Lane, Ambleside LA22 9DD]]"),
("addr-us-apt-hash", "[[STREET_ADDRESS|525 E 72nd St #11F, New York, NY 10021]]"),
("addr-uk", "statements are still going to [[STREET_ADDRESS|103 Kingsway, Hove BN3 4FB]] i left there in 2022"),
("addr-uk", "the card was sent to my old flat at [[STREET_ADDRESS|9 Garnet St, Glasgow G3 6QS]]"),
("addr-uk-flat", "[[STREET_ADDRESS|Flat 7, 240 Holloway Road, London N7 8DA]]"),
("addr-us", "send checks to [[STREET_ADDRESS|310 Pine Ridge Dr, Marietta, GA 30067]]"),
("addr-us-suite", "business address [[STREET_ADDRESS|1200 Market St Suite 400, San Francisco, CA 94102]]"),
("addr-us", "we just bought a house at [[STREET_ADDRESS|4150 Sunset Blvd, Los Angeles, CA 90029]] need to update"),
("addr-uk-number-after", "its number [[STREET_ADDRESS|27 Wellington Terrace]], the postman keeps getting it wrong"),
("addr-uk+phone", "address [[STREET_ADDRESS|2 Primrose Hill, Bath BA1 2QD]] and mobile [[PHONE_NUMBER|07700 900 417]]"),
("addr-uk-scotland", "[[STREET_ADDRESS|14/3 Dalry Road, Edinburgh]] (thats flat 3 at number 14)"),

# ---------------------------------------------------------------- multi-entity, realistic mixes
("multi-name-addr-phone", "hi, [[PERSON|Graham Whitaker]] here, [[STREET_ADDRESS|11 Ash Grove, York YO31 8EP]], my number is [[PHONE_NUMBER|01904 496 022]]"),
("multi-name-sort-acct", "transfer £200 to [[PERSON|Ben Marshall]] sort code [[US_BANK_NUMBER|08-90-12]] account [[US_BANK_NUMBER|33917045]]"),
("multi-name-card", "my name is [[PERSON|harpreet kaur]] and my card [[CREDIT_CARD|4556 8810 2093 4470]] was used in romania, not me!!"),
("multi-us-name-addr-ssn", "[[PERSON|Robert Delgado]], [[STREET_ADDRESS|902 Birch St, Tucson AZ 85719]], ssn [[US_SSN|411-62-7390]]"),
("multi-otp-pin", "i gave the caller the code [[OTP|770 312]] and my pin [[PIN|4096]] am i in trouble"),
("multi-password-email", "username is [[EMAIL_ADDRESS|lee.harrison@btinternet.com]] password [[PASSWORD|Harrison2020!]] it says locked"),
("multi-name-iban", "please pay [[PERSON|Sophie Laurent]], iban [[IBAN_CODE|FR73 1027 8060 3100 0204 5670 112]], €1,200 for the deposit"),
("multi-name-phone-intl", "my husband [[PERSON|Rajesh]] is in mumbai, his number is [[PHONE_NUMBER|+91 22 4012 3456]]"),
("multi-card-exp-cvv-lower", "ok card [[CREDIT_CARD|4929410382275536]] exp [[CARD_EXPIRY|0528]] code [[CVV|391]]"),
("multi-name-addr-flat", "send it to mr [[PERSON|Tunde Bakare]], [[STREET_ADDRESS|flat 9, 14 Coldharbour Lane, London SE5 9NR]]"),
("multi-family-names", "my kids [[PERSON|Lily]] and [[PERSON|Noah]] need their own accounts, im [[PERSON|Claire Dunn]]"),
("multi-name-password", "[[PERSON|pete]] here, password [[PASSWORD|Gooner4Life]] doesnt work since the update"),
("multi-addr-postcode-lower", "delivery address [[STREET_ADDRESS|5 the crescent, wakefield wf1 2dh]] and my name is [[PERSON|alan briggs]]"),
("multi-name-ssn-phone", "[[PERSON|Ashley Nguyen]] ssn [[US_SSN|230-48-1177]] phone [[PHONE_NUMBER|(503) 555-0172]]"),
("multi-sort-acct-name", "refund to [[US_BANK_NUMBER|77-66-09]] / [[US_BANK_NUMBER|49201836]], name [[PERSON|Eleanor Pugh]]"),
("multi-card-name-address", "card [[CREDIT_CARD|5412 0098 3361 7740]] is registered to [[STREET_ADDRESS|19 Orchard Way, Ipswich IP4 5JT]] but i moved"),
("multi-otp-phone", "code [[OTP|604 118]] went to [[PHONE_NUMBER|07700 900 002]] which isnt my number anymore"),
("multi-name-name-payee", "i sent £50 to [[PERSON|Tom]] but meant to send it to [[PERSON|Tom Ridley]], different person"),
("multi-name-addr-caps", "[[PERSON|MARY O'SULLIVAN]] [[STREET_ADDRESS|3 KILN LANE, DONCASTER DN4 7NQ]]"),
("multi-pin-cvv", "pin [[PIN|5182]] and the back number [[CVV|706]], does the delivery driver need those?"),
("multi-name-addr-scam", "someone called [[PERSON|Michael Evans]] from 'fraud team' knew my address [[STREET_ADDRESS|48 Penrose Street, Truro TR1 2NP]]"),
("multi-email-name-child", "set up the kids account with [[EMAIL_ADDRESS|the.harlows@gmail.com]], childs name [[PERSON|Maisie Harlow]]"),
("multi-iban-phone", "iban [[IBAN_CODE|DE59200411550987654321]] and call [[PHONE_NUMBER|+49 171 9988776]] if theres a problem"),
("multi-addr-person-flat", "can my cousin [[PERSON|Deepa]] use my address [[STREET_ADDRESS|flat 2b, 118 leytonstone high rd, london e11 1hl]] for her account"),
("multi-name-expiry", "[[PERSON|Sam Okoro]] - card expires [[CARD_EXPIRY|08/26]], haven't got a new one yet"),
("multi-addr-uk-2", "i'm [[PERSON|Niamh Gallagher]], [[STREET_ADDRESS|25 Dunluce Avenue, Belfast BT9 7AW]]"),
("multi-otp-email", "the code [[OTP|382 906]] came to [[EMAIL_ADDRESS|fgreen@hotmail.com]] not my phone"),
("multi-password-pin", "my password is [[PASSWORD|Dolphin77]] and pin [[PIN|0719]] - can you check both"),
("multi-name-ssn-addr", "[[PERSON|Brandon Lee]] [[US_SSN|318-44-0921]] [[STREET_ADDRESS|1155 Jefferson Ave, Memphis TN 38104]]"),

# ---------------------------------------------------------------- NEGATIVES (no personal data)
("neg-product", "whats the daily contactless limit on the Visa Platinum card"),
("neg-product", "can i add my Card to Apple Pay on my new iphone"),
("neg-amount-currency", "how much is £1,250.00 in Euros at todays rate"),
("neg-amount-date", "i paid £45.99 on 12 March and its still not showing"),
("neg-branch", "is the Main Street branch open on saturdays?"),
("neg-reference", "any update on my complaint? ref CMP-2291-A"),
("neg-transaction-id", "transaction ID 88213340 has been pending for 5 days"),
("neg-card-ending", "my card ending 7719 got declined at the petrol station"),
("neg-app", "does the App work on android 14? keeps crashing"),
("neg-dept", "Card Services told me to message here instead of calling"),
("neg-product", "whats the interest rate on the 2 Year Fixed Saver"),
("neg-date-slash", "why was i charged a £12 fee on 03/11"),
("neg-grace", "is there a grace period if my mortgage payment is a day late"),
("neg-product", "Can I pay off my Barclaycard from this account?"),
("neg-amount-usd", "mortgage payment of $2,340.15 is due on the 1st, can i move it to the 15th"),
("neg-branch-town", "opening times for the High Street branch in Reading?"),
("neg-bic", "is NWBKGB2L the right BIC for international transfers"),
("neg-family-no-name", "my daughter is 16, can she get a debit card"),
("neg-date-range", "i need statements from january to june 2024 for a visa application"),
("neg-amounts", "Amazon charged me 4 times, 19.99 each, on the same day"),
("neg-product", "will a Faster Payment go through on a bank holiday monday"),
("neg-scam-question", "i got a text from 'HSBC' asking me to click a link, is it a scam??"),
("neg-otp-no-value", "the code isnt arriving on my phone"),
("neg-pin-no-value", "i forgot my pin what do i do"),
("neg-password-no-value", "how do i reset my password on the app"),
("neg-cvv-no-value", "where do i find the cvv on my card"),
("neg-expiry-no-value", "when does my card expire? cant read it its worn"),
("neg-branch-name-word", "opening hours for Victoria Road branch pls"),
("neg-place-name", "can i use my card in Florence without fees"),
("neg-place-name", "travelling to Jordan next month, do i need to tell you"),
("neg-place-date", "going to Paris on 14 Feb, whats the best way to get Euros"),
("neg-company-name", "I want to move money from my JP Morgan account into my ISA"),
("neg-company-name", "charged twice at Marks & Spencer yesterday, £62.40 both times"),
("neg-promo-code", "promo code WELCOME50 doesnt work when i apply for the credit card"),
("neg-negative-balance", "my balance shows -£1,034.56 but i had money in there this morning"),
("neg-amount-eur", "can i send 25,000 EUR to a spanish bank account in one go"),
("neg-percent", "APR is 22.9% on the Platinum Cashback card? thats too high"),
("neg-year", "ive been a customer since 2009, can i get a better rate"),
("neg-error-code", "app says error 4003 when i try to log in"),
("neg-cheque-no", "cheque no 100234 bounced, why?"),
("neg-direct-debit", "Direct Debit for council tax is £148 a month, can i change the date to the 28th"),
("neg-product-income", "is Premier Banking worth it if i earn over 75k"),
("neg-place", "lost my wallet in Birmingham city centre, all my cards were in it"),
("neg-fx", "what's the exchange rate USD to GBP right now"),
("neg-product", "does Google Pay work with the Mastercard Debit"),
("neg-overdraft", "Why is my Overdraft limit only £500"),
("neg-salary-date", "my salary of £2,845.12 usually lands on the 25th but nothing today"),
("neg-offer", "is the 0% balance transfer offer still on, the one for 24 months"),
("neg-order-number", "Order #4471-2290 from Currys was refunded but i dont see it"),
("neg-app-card", "how do i freeze my Card in the App"),
("neg-account-type", "Can I change my Account from Reward to Club?"),
("neg-tax-date", "does a payment to HMRC on 31 January count as on time if i send it at 11pm"),
("neg-cutoff-time", "what time is the cut off for same day transfers, 3.30pm?"),
("neg-product-amount", "i want to close my Easy Access Saver and move £8,000 to the Fixed Rate Bond"),
("neg-post-office", "Is there a fee for using my card at a Post Office?"),
("neg-street-no-number", "the ATM on King Street gave me £20 less than i asked for"),
("neg-amount", "why was my payment of 1,500.00 to my landlord flagged"),
("neg-credit-limit", "can you increase my credit limit to £5,000"),
("neg-finance", "Bought a sofa from DFS for £899 on 0% finance, is that shown on my credit file?"),
("neg-merchant-descriptor", "my statement says VDP-AMZN MKTP for £34.12 what is that"),
("neg-date-slash", "sorry, what does pending mean on the transaction from 28/02"),
("neg-cheque-app", "Can I pay in a cheque through the App? its for £150"),
("neg-us-place", "Is the Wells Fargo in Union Square the same as your bank?"),
("neg-letter", "i need a letter for the embassy confirming i have an account, can the branch do it"),
("neg-thanks", "thanks for your help, all sorted now"),
("neg-product-city", "My Euro Traveller card got blocked in Lisbon"),
("neg-interest-date", "interest of £3.47 was paid on 01/04, is that taxed"),
("neg-error-code", "Code 3 error at the cash machine, whats that mean"),
("neg-product-currency", "The Holiday Money Card, can i top up in Dollars?"),
("neg-competitor", "Is Chase a competitor? they offered me 5% on savings"),
("neg-sort-question", "where do i find my sort code in the app"),
("neg-long-amount", "we're buying a house for £325,000 and need to move the deposit of £32,500 on friday"),
]


def parse(text):
    out, spans, pos = [], [], 0
    for m in MARK.finditer(text):
        out.append(text[pos:m.start()])
        start = sum(len(s) for s in out)
        etype, value = m.group(1), m.group(2)
        if etype not in TYPES:
            sys.exit(f"unknown entity type {etype!r} in {text!r}")
        out.append(value)
        spans.append({"entity_type": etype, "entity_value": value,
                      "start_position": start, "end_position": start + len(value)})
        pos = m.end()
    out.append(text[pos:])
    clean = "".join(out)
    if "[[" in clean or "]]" in clean:
        sys.exit(f"leftover marker in {text!r}")
    return clean, spans


def build():
    recs = []
    for i, (kind, body) in enumerate(M, 1):
        rec = {"id": f"p{i:03d}"}
        if isinstance(body, list):
            turns, spans = [], []
            for t, turn in enumerate(body):
                clean, sp = parse(turn)
                turns.append(clean)
                for s in sp:
                    spans.append({"turn": t, **s})
            rec["turns"] = turns
            rec["spans"] = spans
        else:
            clean, spans = parse(body)
            rec["full_text"] = clean
            rec["spans"] = spans
        rec["kind"] = kind
        recs.append(rec)
    return recs


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_ok(value):
    v = re.sub(r"\s", "", value).upper()
    v = v[4:] + v[:4]
    return int("".join(str(int(c, 36)) for c in v)) % 97 == 1


def validate(path):
    import collections
    recs = [json.loads(line) for line in open(path, encoding="utf-8")]
    ids = [r["id"] for r in recs]
    assert len(ids) == len(set(ids)), "duplicate ids"
    counts = collections.Counter()
    pos = neg = split = multi = 0
    luhn = collections.Counter()
    iban = collections.Counter()
    for r in recs:
        assert set(r) in ({"id", "full_text", "spans", "kind"}, {"id", "turns", "spans", "kind"}), r["id"]
        for s in r["spans"]:
            text = r["turns"][s["turn"]] if "turns" in r else r["full_text"]
            assert text[s["start_position"]:s["end_position"]] == s["entity_value"], (r["id"], s)
            assert s["entity_type"] in TYPES
            counts[s["entity_type"]] += 1
            if s["entity_type"] == "CREDIT_CARD" and "turns" not in r:
                luhn["valid" if luhn_ok(re.sub(r"\D", "", s["entity_value"])) else "invalid"] += 1
            if s["entity_type"] == "IBAN_CODE":
                iban["valid" if iban_ok(s["entity_value"]) else "invalid"] += 1
        if "turns" in r:
            split += 1
            # the joined fragments of a split card must form a 12-19 digit number
            digits = "".join(re.sub(r"\D", "", s["entity_value"]) for s in r["spans"] if s["entity_type"] == "CREDIT_CARD")
            assert 12 <= len(digits) <= 19, r["id"]
        if r["spans"]:
            pos += 1
        else:
            neg += 1
        if len(r["spans"]) >= 2 and "turns" not in r:
            multi += 1
    print(f"records={len(recs)} with_entities={pos} no_entities={neg} split_card={split} multi_entity(single msg)={multi}")
    for k, v in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"  {k:15s} {v}")
    print(f"  card numbers (non-split) Luhn: {dict(luhn)}; IBAN mod-97: {dict(iban)}")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "pii_chat_eval.jsonl")
    recs = build()
    with open(out, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(recs)} records to {out}")
    validate(out)
