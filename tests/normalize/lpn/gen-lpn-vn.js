// gen-lpn-vn.js: the expected answers of the phone differential test,
// from Google's libphonenumber (the google-libphonenumber npm package).
// Run OUTSIDE the repository, where that package is installed:
//   mkdir /tmp/lpn && cd /tmp/lpn && npm install google-libphonenumber
//   NODE_PATH=/tmp/lpn/node_modules node gen-lpn-vn.js > lpn-vn.tsv
// and copy lpn-vn.tsv beside this script (CI needs no network).
//
// For every national significant number length VN's metadata allows
// (7..10 digits) and every 4-digit start 0000..9999, one number (the start
// padded with digits from a fixed generator) is asked of libphonenumber:
// valid for VN or not, its type and E.164 form. Every valid number is kept,
// and every 8th invalid one. Lines: national form (trunk 0 + NSN), tab,
// E.164 or "-", tab, type.
const lpn = require('google-libphonenumber');
const u = lpn.PhoneNumberUtil.getInstance();
const PNF = lpn.PhoneNumberFormat;
const T = lpn.PhoneNumberType;
const names = {};
for (const k of Object.keys(T)) names[T[k]] = k.toLowerCase();
let seed = 14;
function rnd() {
	seed = (seed * 1103515245 + 12345) % 2147483648;
	return seed;
}
const pkg = require('google-libphonenumber/package.json');
console.log(`# google-libphonenumber ${pkg.version}: national\te164\ttype`);
let invalid = 0;
for (let len = 7; len <= 10; len++) {
	for (let p = 0; p < 10000; p++) {
		let nsn = String(p).padStart(4, '0');
		while (nsn.length < len) nsn += String(rnd() % 10);
		nsn = nsn.slice(0, len);
		if (nsn[0] === '0') continue; // not an NSN
		let num;
		try {
			num = u.parse('+84' + nsn, 'VN');
		} catch (e) {
			continue;
		}
		const ok = u.isValidNumberForRegion(num, 'VN');
		if (!ok && invalid++ % 8 !== 0) continue;
		const e164 = ok ? u.format(num, PNF.E164) : '-';
		const type = ok ? names[u.getNumberType(num)] : 'invalid';
		console.log(`0${nsn}\t${e164}\t${type}`);
	}
}
